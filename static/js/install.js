// Installing the app: Android's deferred prompt, the iOS Safari guide, and whether we are the
// installed app already.

let deferred = null;
window.addEventListener('beforeinstallprompt', (event) => {
  // Keep the browser's prompt for a better moment (after the first save), not on load.
  event.preventDefault();
  deferred = event;
  window.dispatchEvent(new Event('install:available'));
});
window.addEventListener('appinstalled', () => {
  deferred = null;
  window.dispatchEvent(new Event('install:done'));
});

/** True inside the installed app (Android standalone display, iOS Home Screen). */
export function isStandalone() {
  return window.matchMedia?.('(display-mode: standalone)').matches || navigator.standalone === true;
}

/** iPhone or iPad (iPadOS says it is a Mac, but has touch). */
export function isIos() {
  const agent = navigator.userAgent;
  return /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
}

/** 'installed' | 'prompt' (Android can install now) | 'ios-guide' | 'unavailable'. */
export function installState() {
  if (isStandalone()) return 'installed';
  if (deferred) return 'prompt';
  if (isIos()) return 'ios-guide';
  return 'unavailable';
}

/** Show the browser's install prompt (from a click); resolves 'accepted', 'dismissed' or 'unavailable'. */
export async function promptInstall() {
  if (!deferred) return 'unavailable';
  const event = deferred;
  deferred = null;
  await event.prompt();
  const choice = await event.userChoice;
  return choice.outcome;
}
