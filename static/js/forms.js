// Real <form>s, sent as JSON: <form data-api="METHOD /api/url" data-shape data-then
// data-confirm data-flash data-label>. Errors appear beside the field or the form, in live
// regions. Writes go through the outbox (kept on the phone when offline), except logging in and
// signing up, which need the server's answer; log-out and account deletion are shell-logout.js's.
import { api, ApiError } from './api.js';
import { remember, say } from './flash.js';
import { send } from './outbox.js';
import { FIELD_INPUTS, shapes } from './shapes.js';

/** Wire every form[data-api] under `root`, and every copy button (data-copy="element id"). */
export function bindForms(root = document) {
  for (const form of root.querySelectorAll('form[data-api]:not(.logout):not(.logout-everywhere):not(.delete-account)')) bindForm(form);
  for (const button of root.querySelectorAll('button[data-copy]')) bindCopy(button);
}

/** Copy the text of the element named by data-copy; without a clipboard, select it instead. */
function bindCopy(button) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    // A status line beside the buttons: the page-wide one may be scrolled out of sight.
    const status = button.parentElement.querySelector('[data-copy-status]');
    const tell = (message) => (status ? (status.textContent = message) : say(message));
    try {
      if (!navigator.clipboard) throw new Error('no clipboard here');
      await navigator.clipboard.writeText(source.textContent);
      tell(button.dataset.copied || 'Copied.');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      tell('Could not copy here. The text is selected: use your device’s Copy.');
    }
  });
}

export function bindForm(form) {
  const [method, url] = form.dataset.api.split(' ');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    clearErrors(form);
    const shape = shapes[form.dataset.shape] || ((values) => values);
    const body = method === 'DELETE' ? undefined : shape(valuesOf(form), form);
    setBusy(form, true);
    try {
      if (DIRECT.has(`${method} ${url}`)) {
        finish(form, await api(method, url, body));
        return;
      }
      const label = form.dataset.label || form.querySelector('[type=submit]')?.textContent.trim();
      const result = await send(method, url, body, { label });
      if (result.sent) finish(form, result.data);
      else queued(form, body);
    } catch (error) {
      setBusy(form, false);
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'id_conflict') delete form.dataset.pendingId;
      showError(form, error);
    }
  });
}

// These need the server's answer now (and must not be replayed later).
const DIRECT = new Set(['POST /api/session', 'POST /api/account']);

/**
 * Kept on the phone: say so, and let the page react (an `outbox:queued` event on the form,
 * detail {body}). The form keeps its pending id, so sending it again replays, never doubles.
 */
function queued(form, body) {
  setBusy(form, false);
  const message = 'Saved on this phone. It will be sent when Afterview can be reached.';
  const box = form.querySelector('[data-error]');
  if (box) {
    box.textContent = message;
    box.classList.add('is-queued'); // shell.css: a note, not an error
  } else {
    say(message);
  }
  form.dispatchEvent(new CustomEvent('outbox:queued', { bubbles: true, detail: { body } }));
}

/** The form's named controls as {name: string}, trimmed (passwords are kept as typed). */
function valuesOf(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== 'string') continue;
    values[name] = name.includes('password') ? value : value.trim();
  }
  return values;
}

function finish(form, data) {
  // The form stays busy: the page is about to change.
  delete form.dataset.pendingId;
  if (form.dataset.flash) remember(form.dataset.flash);
  const then = form.dataset.then || 'reload';
  if (then === 'reload') {
    window.location.reload();
    return;
  }
  window.location.assign(samePath(then.replace('{id}', encodeURIComponent(data?.id ?? ''))));
}

/** Only a path on this site: a navigation target never leaves it. */
function samePath(target) {
  const ok = target.startsWith('/') && !target.startsWith('//') && !target.includes('\\');
  return ok ? target : '/';
}

/** Mark `element` busy for assistive tech and disable its buttons (`buttons` narrows which). */
export function setBusy(element, busy, buttons = 'button') {
  element.setAttribute('aria-busy', String(busy));
  for (const button of element.querySelectorAll(buttons)) button.disabled = busy;
}

function inputFor(form, field) {
  if (!field) return null;
  const first = field.split('.')[0];
  for (const name of [field, first, FIELD_INPUTS[first]]) {
    const control = name && form.elements.namedItem(name);
    if (control instanceof HTMLElement) return control;
  }
  return null;
}

function showError(form, error) {
  const input = inputFor(form, error.field);
  if (input) {
    const note = document.createElement('p');
    note.className = 'field-error';
    note.id = `${input.id}-error`;
    note.setAttribute('role', 'alert');
    note.textContent = inWords(error, input);
    (input.closest('.field') || input.parentElement).append(note);
    input.setAttribute('aria-invalid', 'true');
    input.dataset.describedby = input.getAttribute('aria-describedby') || '';
    input.setAttribute('aria-describedby', `${input.dataset.describedby} ${note.id}`.trim());
    input.focus();
    return;
  }
  const box = form.querySelector('[data-error]');
  if (box) box.textContent = error.message;
  else say(error.message);
}

/** "emails.0 is not valid." beside the Email field reads better as "Email is not valid." */
function inWords(error, input) {
  const label = input.labels?.[0]?.firstChild?.textContent.trim();
  if (!label || !error.message.startsWith(`${error.field} `)) return error.message;
  return label + error.message.slice(error.field.length);
}

function clearErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const before = input.dataset.describedby;
    if (before) input.setAttribute('aria-describedby', before);
    else input.removeAttribute('aria-describedby');
    delete input.dataset.describedby;
  }
  const box = form.querySelector('[data-error]');
  if (box) {
    box.textContent = '';
    box.classList.remove('is-queued');
  }
}
