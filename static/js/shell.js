// The offline-first shell, started on every page by app.js: the service worker (and its
// "Update available" offer), the outbox's flushing and its bar, log-out, the install offer,
// reminders' refresh and the app badge.
import { refreshBadge } from './badge.js';
import { metaGet, metaSet } from './idb.js';
import { currentUser, flush } from './outbox.js';
import { refreshSubscription } from './push.js';
import { startInstallOffer } from './shell-install.js';
import { bindLogout, clearPageCaches } from './shell-logout.js';
import { startOutboxBar } from './shell-outbox.js';

const user = currentUser();
let updating = false;

/** Tell the worker (IndexedDB meta 'user') who is logged in; a new person clears old pages. */
async function rememberUser() {
  const before = await metaGet('user');
  if (before && user && before !== user) await clearPageCaches();
  if (before !== (user ?? undefined)) await metaSet('user', user);
}

function offerUpdate(worker) {
  // Only an update of a page already controlled; never applied without the user's tap.
  if (!navigator.serviceWorker.controller) return;
  const box = document.getElementById('sw-update');
  if (!box) return;
  box.hidden = false;
  document.getElementById('sw-update-button').onclick = () => {
    updating = true;
    worker.postMessage({ type: 'SKIP_WAITING' });
  };
}

async function startWorker() {
  const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  if (reg.waiting) offerUpdate(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => worker.state === 'installed' && offerUpdate(worker));
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => updating && window.location.reload());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && reg.update().catch(() => {}));
  const ready = await navigator.serviceWorker.ready;
  // The first visit stays light: the rest of the shell is cached only after the page loaded.
  ready.active?.postMessage({ type: 'PRECACHE' });
}

navigator.serviceWorker?.addEventListener('message', ({ data }) => {
  if (data?.type === 'OUTBOX_ADDED') flush();
  if (data?.type === 'NAVIGATE' && new URL(data.url, location.href).origin === location.origin) {
    window.location.assign(data.url);
  }
});

async function onLoad() {
  await rememberUser().catch(() => {});
  flush({ force: true }); // a fresh start retries at once, whatever the backoff said
  if ('serviceWorker' in navigator) await startWorker().catch((error) => console.warn('service worker', error));
  if (user) {
    refreshSubscription().catch(() => {});
    refreshBadge({ throttled: true });
  }
}

bindLogout(document);
startOutboxBar();
startInstallOffer();
window.addEventListener('online', () => flush({ force: true }));
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && flush({ force: true }));
if (document.readyState === 'complete') onLoad();
else window.addEventListener('load', onLoad, { once: true });
