// A one-line message that survives the reload or navigation that follows a save.

const KEY = 'afterview:flash';

/** Keep `message` for the next page load (sessionStorage may be unavailable: then it is lost). */
export function remember(message) {
  try {
    sessionStorage.setItem(KEY, message);
  } catch {
    // Private browsing or storage full: the save itself still happened.
  }
}

/** Show a remembered message in the page's status region, once. */
export function showRemembered() {
  let message = null;
  try {
    message = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
  } catch {
    return;
  }
  if (message) say(message);
}

/** Put `message` in the page-wide live region (#flash). */
export function say(message) {
  const region = document.getElementById('flash');
  if (region) region.textContent = message;
}
