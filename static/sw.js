/* Afterview's service worker: a classic script, served at /sw.js by server/pwa.py, which fills
   in the hash of static/ and the precache list. Pages: network first (3 s), then this user's
   cached copy, then the offline page. Static files: cache first. Writes and /api: never
   intercepted (the page's outbox owns writes; API data is never cached here). Push: every
   message shows a notification; its Done/Snooze actions reach the API, or the outbox. */
'use strict';

const VERSION = '__STATIC_HASH__';
const SHELL_URLS = "__SHELL_URLS__";
const SHELL = `afterview-shell-${VERSION}`;
const PAGES = `afterview-pages-${VERSION}`;
const OFFLINE = '/offline';
// Precached at install on the first visit: just enough to show the offline page.
const CORE = [OFFLINE, '/static/css/app.css', '/static/css/shell.css', '/static/img/logo.svg'];
// The screens a logged-in user may need first with no signal (the after-interview flow above
// all): fetched once after load, so they open offline even if never visited on this phone.
const USER_PAGES = ['/', '/after', '/interviews', '/contacts', '/settings'];
const NAVIGATION_TIMEOUT = 3000;
const USER_HEADER = 'X-Afterview-User';

async function precache(urls) {
  const cache = await caches.open(SHELL);
  const have = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  await Promise.all(urls.filter((url) => !have.has(url)).map(async (url) => {
    const response = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
    if (response.ok) await cache.put(url, response);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // An update (an older cache exists) takes the whole shell now; a first visit stays light
    // and takes the rest when the page says it has loaded (message PRECACHE).
    const update = (await caches.keys()).some((name) => name.startsWith('afterview-shell-'));
    await precache(update ? SHELL_URLS : CORE);
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, PAGES]);
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('afterview-') && !keep.has(n))
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'SKIP_WAITING') self.skipWaiting();
  else if (type === 'PRECACHE') {
    event.waitUntil(Promise.all([precache(SHELL_URLS), precachePages()]).catch(() => {}));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(fromShell(request));
  }
});

async function fromShell(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

async function navigate(event) {
  const request = event.request;
  const network = fetch(request).then(async (response) => {
    // Only a logged-in page, answered in full: a redirect or an error page is not kept.
    if (response.ok && !response.redirected && response.headers.get(USER_HEADER)) {
      const cache = await caches.open(PAGES);
      await cache.put(pageKey(request.url), response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, NAVIGATION_TIMEOUT); });
  try {
    const answer = await Promise.race([network, late]);
    if (answer) return answer;
  } catch {
    // Unreachable: fall through to the copies.
  } finally {
    clearTimeout(timer);
  }
  return (await cachedPage(request)) || (await offlinePage()) || network;
}

/** Keep a copy of each of USER_PAGES the logged-in user has no copy of yet. */
async function precachePages() {
  const user = await metaGet('user').catch(() => null);
  if (!user) return;
  const cache = await caches.open(PAGES);
  await Promise.all(USER_PAGES.map(async (path) => {
    const key = pageKey(new URL(path, self.location.origin).href);
    const have = await cache.match(key);
    if (have && have.headers.get(USER_HEADER) === user) return;
    const response = await fetch(path, { credentials: 'same-origin', redirect: 'manual' });
    if (response.ok && response.headers.get(USER_HEADER) === user) await cache.put(key, response);
  }));
}

function pageKey(address) {
  const url = new URL(address);
  url.hash = '';
  return url.href;
}

/** A cached page, only if it belongs to the user the app last said is logged in here. */
async function cachedPage(request) {
  const cache = await caches.open(PAGES);
  const hit = await cache.match(pageKey(request.url));
  if (!hit) return null;
  const user = await metaGet('user').catch(() => null);
  return user && hit.headers.get(USER_HEADER) === user ? hit : null;
}

async function offlinePage() {
  const cache = await caches.open(SHELL);
  return cache.match(OFFLINE);
}

// --- IndexedDB: the same database as static/js/idb.js (keep the two in step) ---------------

function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('afterview', 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('outbox')) {
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
          .createIndex('user', 'user');
      }
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function inStore(store, mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const metaGet = (key) => inStore('meta', 'readonly', (store) => store.get(key));

// --- push -----------------------------------------------------------------------------------

self.addEventListener('push', (event) => {
  let data = null;
  let text = '';
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    text = event.data ? event.data.text().slice(0, 200) : '';
  }
  event.waitUntil(show(data && typeof data === 'object' ? data : { body: text }));
});

async function show(data) {
  const taskId = typeof data.task_id === 'string' ? data.task_id : null;
  const actions = Array.isArray(data.actions) && taskId ? data.actions : [];
  await self.registration.showNotification(String(data.title || 'Afterview'), {
    body: String(data.body || 'Something is due. Open Afterview to see it.'),
    tag: String(data.tag || 'afterview'),
    icon: '/static/img/icon-192.png',
    badge: '/static/img/badge-96.png',
    data: { url: sameSite(data.url), task_id: taskId },
    actions: actions.slice(0, 2).map((a) => ({ action: String(a.action), title: String(a.title) })),
  });
  await updateBadge();
}

function sameSite(address) {
  try {
    const url = new URL(address || '/', self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

/** The app icon's badge: how many tasks are due today (where the Badging API exists). */
async function updateBadge() {
  if (!('setAppBadge' in self.navigator)) return;
  try {
    const response = await fetch('/api/tasks?view=today', { credentials: 'same-origin' });
    if (!response.ok) return;
    const due = (await response.json()).length;
    await (due ? self.navigator.setAppBadge(due) : self.navigator.clearAppBadge());
  } catch {
    // Offline: the badge stays as it was.
  }
}

self.addEventListener('notificationclick', (event) => {
  const notification = event.notification;
  const data = notification.data || {};
  notification.close();
  if ((event.action === 'done' || event.action === 'snooze') && data.task_id) {
    event.waitUntil(act(event.action, data.task_id));
  } else {
    event.waitUntil(openApp(data.url || '/'));
  }
});

async function act(action, taskId) {
  const url = `/api/tasks/${encodeURIComponent(taskId)}/${action}`;
  const body = { action_id: crypto.randomUUID() };
  if (action === 'snooze') body.until = '1h';
  const user = await metaGet('user').catch(() => null);
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (user) headers[USER_HEADER] = user;
  try {
    const response = await fetch(url, {
      method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body),
    });
    if (response.ok) return updateBadge();
  } catch {
    // Offline: kept for the page to send, below.
  }
  if (!user) return openApp('/');
  // The same entry shape as static/js/outbox.js: the app sends it when next opened.
  await inStore('outbox', 'readwrite', (store) => store.add({
    id: crypto.randomUUID(), user, method: 'POST', url, body, multipart: false, meta: null,
    label: action === 'done' ? 'Task marked done' : 'Task snoozed for 1 hour',
    createdAt: Date.now(), attempts: 0, state: 'waiting', nextTryAt: 0,
  }));
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'OUTBOX_ADDED' });
  }
  return undefined;
}

async function openApp(address) {
  const target = new URL(sameSite(address), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (!open) return self.clients.openWindow(target);
  const focused = await open.focus();
  if (open.url !== target) {
    try {
      return await (focused || open).navigate(target);
    } catch {
      open.postMessage({ type: 'NAVIGATE', url: target });
    }
  }
  return focused;
}

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event));
});

async function resubscribe(event) {
  const old = event.oldSubscription;
  let key = old && old.options && old.options.applicationServerKey;
  if (!key) {
    const answer = await fetch('/api/push/key', { credentials: 'same-origin' });
    key = (await answer.json()).publicKey;
  }
  const fresh = event.newSubscription
    || await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const user = await metaGet('user').catch(() => null);
  const headers = { 'Content-Type': 'application/json' };
  if (user) headers[USER_HEADER] = user;
  await fetch('/api/push/subscription', {
    method: 'PUT', credentials: 'same-origin', headers, body: JSON.stringify(fresh.toJSON()),
  });
}
