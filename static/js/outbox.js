// The outbox: every write is stored in IndexedDB first, then sent in order (FIFO), so nothing
// captured on the phone is lost to a bad connection, a closed tab or a restart. Flushes run one
// at a time across tabs (navigator.locks, else a promise chain in this tab). Each entry belongs
// to the user who made it and is only ever sent for that user.
import { ApiError, newId } from './api.js';
import { add, allWhere, del, put } from './idb.js';
import { backoff, deliver, retryable } from './outbox-delivery.js';

const LOCK = 'afterview-outbox';
const LABELS = [['/api/cards', 'Card photo'], ['/api/contacts', 'Contact'],
  ['/api/interviews', 'Interview'], ['/api/tasks', 'Task'], ['/api/push', 'Reminders setting']];
const waiters = new Map(); // entry id -> {resolve, reject, timer}
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('afterview-outbox') : null;
let paused = false;
let chain = Promise.resolve();
let timer = null;

/** The logged-in user's id, from <meta name="afterview-user"> (null when logged out). */
export function currentUser() {
  return document.querySelector('meta[name="afterview-user"]')?.content || null;
}

/** Store a write for the current user, then try to send it. See the contract for the answers. */
export async function send(method, url, body, options = {}) {
  const user = currentUser();
  if (!user) throw new ApiError(401, 'Please log in to continue.', 'not_logged_in');
  if (options.replace) await dropWaiting(user, method, url);
  const entry = {
    id: newId(), user, method, url, body: body ?? null, multipart: options.multipart === true,
    meta: options.meta ?? null, label: options.label || labelFor(url), createdAt: Date.now(),
    attempts: 0, state: 'waiting', nextTryAt: 0,
  };
  await add('outbox', entry);
  askToPersist();
  const answer = new Promise((resolve, reject) => {
    const wait = setTimeout(() => settle(entry.id, 'resolve', QUEUED), options.wait ?? 10000);
    waiters.set(entry.id, { resolve, reject, timer: wait });
  });
  flush();
  return answer;
}

const QUEUED = { sent: false, queued: true };

function settle(id, how, value) {
  const waiter = waiters.get(id);
  if (!waiter) return;
  waiters.delete(id);
  clearTimeout(waiter.timer);
  waiter[how](value);
}

function labelFor(url) {
  return LABELS.find(([prefix]) => url.startsWith(prefix))?.[1] || 'Change';
}

/** Send what is waiting, in order. `force` ignores the backoff (not a server's Retry-After). */
export function flush({ force = false } = {}) {
  const run = () => flushNow(force).catch((error) => console.warn('outbox flush failed', error));
  if (navigator.locks?.request) return navigator.locks.request(LOCK, run);
  chain = chain.then(run);
  return chain;
}

async function flushNow(force) {
  clearTimeout(timer);
  const user = currentUser();
  if (!user) return;
  const entries = (await allWhere('outbox', 'user', user)).filter((e) => e.state === 'waiting');
  // Paused after a 401: only a forced flush (back online, back in view) tries again.
  if (force) paused = false;
  for (const entry of entries) {
    if (paused) break;
    const wait = entry.nextTryAt - Date.now();
    if (wait > 0 && !(force && !entry.hard)) {
      later(wait);
      break;
    }
    if (!(await handle(entry, await deliver(entry)))) break;
  }
  for (const entry of entries) settle(entry.id, 'resolve', QUEUED);
  await changed();
}

/** Act on one answer; false when the queue must stop here (order matters). */
async function handle(entry, result) {
  if (result.status >= 200 && result.status < 300) {
    await del('outbox', entry.seq);
    sent(entry, result, true);
    return true;
  }
  if (result.status === 401) {
    paused = true;
    return false;
  }
  if (retryable(result.status)) {
    entry.attempts += 1;
    entry.hard = result.retryAfter !== null;
    const delay = result.retryAfter ?? backoff(entry.attempts);
    entry.nextTryAt = Date.now() + delay;
    entry.error = result.message;
    await put('outbox', entry);
    later(delay);
    return false;
  }
  if (waiters.has(entry.id)) {
    // The form is still on screen: its own error message is the better place.
    await del('outbox', entry.seq);
    settle(entry.id, 'reject', new ApiError(result.status, result.message, result.code, result.field));
    return true;
  }
  Object.assign(entry, { state: 'attention', status: result.status, error: result.message });
  await put('outbox', entry);
  return true;
}

function sent(entry, result, local) {
  const detail = { method: entry.method, url: entry.url, status: result.status, data: result.data, meta: entry.meta, entryId: entry.id };
  settle(entry.id, 'resolve', { sent: true, status: result.status, data: result.data });
  window.dispatchEvent(new CustomEvent('outbox:sent', { detail }));
  if (local) channel?.postMessage({ type: 'sent', detail });
}

channel?.addEventListener('message', ({ data }) => {
  if (data?.type === 'sent') sent({ ...data.detail, id: data.detail.entryId }, data.detail, false);
  if (data?.type === 'sent' || data?.type === 'change') changed(false);
});

function later(delay) {
  clearTimeout(timer);
  timer = setTimeout(() => flush(), Math.min(delay, 2 ** 31 - 1));
}

/** Tell this tab (outbox:change) and the others that the queue changed. */
export async function changed(tell = true) {
  const detail = await counts();
  window.dispatchEvent(new CustomEvent('outbox:change', { detail }));
  if (tell) channel?.postMessage({ type: 'change' });
}

/** {waiting, attention, paused} for the current user. */
export async function counts() {
  const user = currentUser();
  const mine = user ? await allWhere('outbox', 'user', user) : [];
  const waiting = mine.filter((e) => e.state === 'waiting').length;
  return { waiting, attention: mine.length - waiting, paused: paused && waiting > 0 };
}

async function dropWaiting(user, method, url) {
  const same = (await allWhere('outbox', 'user', user))
    .filter((e) => e.state === 'waiting' && e.method === method && e.url === url);
  for (const entry of same) await del('outbox', entry.seq);
}

/** Ask once, at the first queued write, that the browser keep this site's storage. */
function askToPersist() {
  try {
    if (!navigator.storage?.persist || localStorage.getItem('afterview:persist-asked')) return;
    localStorage.setItem('afterview:persist-asked', '1');
    navigator.storage.persisted().then((yes) => yes || navigator.storage.persist()).catch(() => {});
  } catch {
    // No localStorage (private mode): nothing to remember it in; skip.
  }
}
