// Log-out (form.logout in _nav.html): send what waits first; if something is still left, say
// how much and ask before discarding it; then end the session and forget this user's data here.
import { api, ApiError } from './api.js';
import { say } from './flash.js';
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

function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button')) button.disabled = busy;
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
  await api('DELETE', '/api/session');
  await clearPageCaches();
  if (user) await discardAll(user);
  await metaSet('user', null);
  navigator.clearAppBadge?.().catch(() => {});
  window.location.assign(form.dataset.then || '/');
}

/** Take over every log-out form under `root` (forms.js leaves them alone). */
export function bindLogout(root = document) {
  for (const form of root.querySelectorAll('form.logout')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (form.getAttribute('aria-busy') === 'true') return;
      setBusy(form, true);
      try {
        await logOut(form);
      } catch (error) {
        say(error instanceof ApiError ? `Could not log out: ${error.message}` : 'Could not log out. Please try again.');
      } finally {
        if (!form.ownerDocument.hidden) setBusy(form, false);
      }
    });
  }
}
