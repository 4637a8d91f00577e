// The shell bar's outbox part: how many changes wait, the "log in again" prompt after a 401,
// and the "needs attention" list (retry, or discard after a confirm).
import { counts } from './outbox.js';
import { discard, entries, retry } from './outbox-list.js';

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

async function render() {
  const status = document.getElementById('outbox-status');
  if (!status) return;
  const { waiting, attention, paused } = await counts();
  const text = waiting ? `${plural(waiting, 'change', 'changes')} saved on this phone, waiting to be sent.` : '';
  if (status.textContent !== text) status.textContent = text;
  const login = document.getElementById('outbox-login');
  login.hidden = !paused;
  const link = document.getElementById('outbox-login-link');
  link.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
  await renderAttention(attention);
}

async function renderAttention(count) {
  const box = document.getElementById('outbox-attention');
  const list = document.getElementById('outbox-attention-list');
  const template = document.getElementById('outbox-attention-item');
  box.hidden = count === 0;
  const items = (await entries()).filter((entry) => entry.state === 'attention');
  list.replaceChildren(...items.map((entry) => {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.seq = entry.seq;
    item.querySelector('[data-label]').textContent = `${entry.label}:`;
    item.querySelector('[data-message]').textContent = entry.error || `Refused (${entry.status}).`;
    item.querySelector('[data-retry]').addEventListener('click', () => retry(entry.seq));
    item.querySelector('[data-discard]').addEventListener('click', () => {
      if (window.confirm(`Discard “${entry.label}”? It was never saved by Afterview and cannot be recovered.`)) {
        discard(entry.seq);
      }
    });
    return item;
  }));
}

/** Keep the bar in step with the queue. */
export function startOutboxBar() {
  window.addEventListener('outbox:change', () => render());
  return render();
}
