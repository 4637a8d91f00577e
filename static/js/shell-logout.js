// Log-out (form.logout in _nav.html): send what waits first; if something is still left, say
// how much and ask before discarding it; then end the session and forget this user's data here.
// Deleting the account (form.delete-account in Settings) forgets the same data once it is gone.
import { api, ApiError } from './api.js';
import { remember, say } from './flash.js';
import { clearDraft } from './flow-state.js';
import { setBusy } from './forms.js';
import { metaSet } from './idb.js';
import { counts, currentUser, flush } from './outbox.js';
import { discardAll } from './outbox-list.js';
import { forgetDevice } from './push.js';

const FLUSH_LIMIT_MS = 8000;

/** Remove the cached copies of pages (they hold this user's data); the static shell stays. */
export async function clearPageCaches() {
  if (!('caches' in window)) return;
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith('afterview-pages-')).map((name) => caches.delete(name)));
}

async function logOut(form) {
  const user = currentUser();
  await Promise.race([flush({ force: true }), new Promise((resolve) => setTimeout(resolve, FLUSH_LIMIT_MS))]);
  const { waiting, attention } = await counts();
  const left = waiting + attention;
  if (left) {
    const what = left === 1 ? '1 change saved on this phone has' : `${left} changes saved on this phone have`;
    if (!window.confirm(`${what} not reached Afterview yet. Log out and discard ${left === 1 ? 'it' : 'them'}?`)) {
      say('You are still logged in. Your changes will be sent when Afterview can be reached.');
      return;
    }
  }
  try {
    await forgetDevice();
  } catch {
    // Offline or already gone: the session's end below is what matters.
  }
  // form.logout-everywhere (Settings) names DELETE /api/sessions; the nav's form ends this one.
  const everywhere = form.classList.contains('logout-everywhere');
  await api('DELETE', everywhere ? '/api/sessions' : '/api/session');
  await forgetHere(user);
  window.location.assign(form.dataset.then || '/');
}

/** Nothing of `user` stays on this device: cached pages, queued writes, the badge. */
async function forgetHere(user) {
  await clearPageCaches();
  if (user) await discardAll(user);
  await metaSet('user', null);
  clearDraft(); // an unfinished after-interview flow of this user
  navigator.clearAppBadge?.().catch(() => {});
}

/** Straight to the server, never queued: a deletion is not something to send later. */
async function deleteAccount(form) {
  if (!window.confirm(form.dataset.confirm)) return;
  const user = currentUser();
  await forgetDevice().catch(() => {});
  await api('DELETE', '/api/account');
  await forgetHere(user);
  remember(form.dataset.flash);
  window.location.assign('/');
}

/** Take over every log-out and delete-account form under `root` (forms.js leaves them alone). */
export function bindLogout(root = document) {
  for (const form of root.querySelectorAll('form.logout, form.logout-everywhere, form.delete-account')) {
    const leave = form.classList.contains('delete-account') ? deleteAccount : logOut;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (form.getAttribute('aria-busy') === 'true') return;
      setBusy(form, true);
      try {
        await leave(form);
      } catch (error) {
        const what = leave === logOut ? 'log out' : 'delete your account';
        const message = error instanceof ApiError ? `Could not ${what}: ${error.message}` : `Could not ${what}. Please try again.`;
        const box = form.querySelector('[data-error]');
        if (box) box.textContent = message;
        else say(message);
      } finally {
        if (!form.ownerDocument.hidden) setBusy(form, false);
      }
    });
  }
}
