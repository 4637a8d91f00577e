// What the user can do with the queue by hand: see it, retry or discard an entry that needs
// attention, or drop everything at log-out (after asking).
import { del, deleteWhere, allWhere, tx } from './idb.js';
import { changed, currentUser, flush } from './outbox.js';

/** The current user's entries, oldest first (state 'waiting' or 'attention'). */
export async function entries() {
  const user = currentUser();
  return user ? allWhere('outbox', 'user', user) : [];
}

/** Put an entry from the "needs attention" list back in the queue and send it now. */
export async function retry(seq) {
  await tx('outbox', 'readwrite', (store) => {
    const request = store.get(seq);
    request.onsuccess = () => {
      if (request.result) store.put({ ...request.result, state: 'waiting', attempts: 0, nextTryAt: 0 });
    };
    return null;
  });
  await changed();
  return flush({ force: true });
}

/** Throw one entry away (the caller has asked the user first). */
export async function discard(seq) {
  await del('outbox', seq);
  await changed();
}

/** Forget every entry of `user` (at log-out, after asking). */
export async function discardAll(user) {
  await deleteWhere('outbox', 'user', user);
  await changed();
}
