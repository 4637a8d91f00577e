// A small promise wrapper over IndexedDB: one database, 'afterview', with two stores.
//   outbox: queued writes, keyed by an auto-increment `seq` (FIFO order), indexed by `user`;
//   meta:   small values under string keys ('user': who is logged in on this page).
// static/sw.js opens the same database with the same schema: keep the two in step.

const NAME = 'afterview';
const VERSION = 1;
let opening = null;

function upgrade(db) {
  if (!db.objectStoreNames.contains('outbox')) {
    db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('user', 'user');
  }
  if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
}

/** The open database (opened once per page; reopened if the browser closes it). */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.onclose = () => { opening = null; };
        // Another tab (or a newer worker) wants to upgrade: let it.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
  }
  return opening;
}

/**
 * Run `work(store)` in one transaction; resolves with the result of the request `work`
 * returns (if any) once the transaction has committed.
 */
export async function tx(storeName, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const request = work(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error('IndexedDB transaction aborted'));
  });
}

export const get = (store, key) => tx(store, 'readonly', (s) => s.get(key));
export const put = (store, value, key) => tx(store, 'readwrite', (s) => s.put(value, key));
export const add = (store, value) => tx(store, 'readwrite', (s) => s.add(value));
export const del = (store, key) => tx(store, 'readwrite', (s) => s.delete(key));

/** Every value in `store` whose `index` equals `value`, in key order. */
export const allWhere = (store, index, value) =>
  tx(store, 'readonly', (s) => s.index(index).getAll(value));

/** Delete every value in `store` whose `index` equals `value`. */
export function deleteWhere(store, index, value) {
  return tx(store, 'readwrite', (s) => {
    const cursor = s.index(index).openCursor(IDBKeyRange.only(value));
    cursor.onsuccess = () => {
      if (cursor.result) {
        cursor.result.delete();
        cursor.result.continue();
      }
    };
    return null;
  });
}

/** The logged-in user the pages told the worker about (meta 'user'). */
export const metaGet = (key) => get('meta', key);
export const metaSet = (key, value) => (value == null ? del('meta', key) : put('meta', value, key));
