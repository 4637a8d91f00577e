// The shell bar's install offer: Android's prompt, offered only after the user has saved
// something (a good moment), dismissible and remembered; the iOS guide where it applies.
import { installState, promptInstall } from './install.js';

const SAVED = 'afterview:saved-something';
const DISMISSED = 'afterview:install-dismissed';

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key) {
  try {
    localStorage.setItem(key, '1');
  } catch {
    // Private mode: the offer may come back next time; harmless.
  }
}

function update() {
  const offer = document.getElementById('install-offer');
  if (!offer) return;
  offer.hidden = !(installState() === 'prompt' && stored(SAVED) && !stored(DISMISSED));
}

export function startInstallOffer() {
  for (const guide of document.querySelectorAll('[data-install-guide]')) {
    guide.hidden = installState() !== 'ios-guide';
  }
  window.addEventListener('outbox:sent', () => {
    store(SAVED);
    update();
  });
  window.addEventListener('install:available', update);
  window.addEventListener('install:done', update);
  document.getElementById('install-button')?.addEventListener('click', async () => {
    const outcome = await promptInstall();
    if (outcome === 'dismissed') store(DISMISSED);
    update();
  });
  document.getElementById('install-dismiss')?.addEventListener('click', () => {
    store(DISMISSED);
    update();
  });
  update();
}
