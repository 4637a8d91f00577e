// Today: one-tap done / snooze / undo on each task, sent through the outbox with an action id
// (a replay changes nothing), and a note when a card queued offline has been read.
import { newId } from '../api.js';
import { refreshBadge } from '../badge.js';
import { setBusy } from '../forms.js';
import { send } from '../outbox.js';

const SAID = {
  done: 'Done.',
  snooze: 'Snoozed.',
  undo: '',
};
const WHEN = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

export function start(root) {
  for (const item of root.querySelectorAll('[data-task]')) bindTask(item);
  const focus = root.querySelector('.is-highlighted');
  if (focus) {
    focus.setAttribute('tabindex', '-1');
    focus.scrollIntoView({ block: 'center' });
    focus.focus({ preventScroll: true });
  }
  window.addEventListener('outbox:sent', (event) => {
    if (event.detail?.meta?.kind === 'card') cardRead(root, event.detail.data);
  });
}

function bindTask(item) {
  item.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-act]');
    if (!button || button.disabled) return;
    const act = button.dataset.act;
    const body = { action_id: newId() };
    if (act === 'snooze') body.until = button.dataset.until;
    const title = item.dataset.title;
    setBusy(item, true, 'button[data-act]');
    try {
      const result = await send('POST', `/api/tasks/${item.dataset.task}/${act}`, body, {
        label: `${act === 'undo' ? 'Undo' : act === 'done' ? 'Done' : 'Snooze'}: ${title}`,
        meta: { kind: 'task', act },
      });
      show(item, act, result);
      if (result.sent) refreshBadge();
    } catch (error) {
      say(item, error.message || 'That did not work. Please try again.');
      item.querySelector('[data-result] [data-act="undo"]').hidden = !item.classList.contains('is-finished');
    } finally {
      setBusy(item, false, 'button[data-act]');
    }
  });
}

function show(item, act, result) {
  const actions = item.querySelector('[data-actions]');
  const box = item.querySelector('[data-result]');
  const undo = box.querySelector('[data-act="undo"]');
  const snooze = item.querySelector('details.snooze');
  if (snooze) snooze.open = false;
  let text = SAID[act];
  if (act === 'snooze' && result.sent && result.data?.due_at) {
    text = `Snoozed until ${WHEN.format(new Date(result.data.due_at))}.`;
  }
  if (!result.sent) text = `${text} Saved on this phone; it is sent when Afterview can be reached.`.trim();
  item.classList.toggle('is-finished', act !== 'undo');
  if (actions) actions.hidden = act !== 'undo';
  box.hidden = false;
  undo.hidden = act === 'undo';
  say(item, act === 'undo' ? (result.sent ? 'Undone.' : 'Undo saved on this phone.') : text);
  (act === 'undo' ? actions?.querySelector('button') : undo)?.focus();
}

function say(item, text) {
  const box = item.querySelector('[data-result]');
  box.hidden = false;
  box.querySelector('[data-said]').textContent = text;
}

/** A card queued offline reached the server and was read: offer its review here. */
function cardRead(root, card) {
  const box = root.getElementById('cards-ready');
  if (!box || !card?.id || card.contact_id) return;
  const link = document.createElement('a');
  link.className = 'notice-link';
  link.href = `/cards/${encodeURIComponent(card.id)}`;
  const text = document.createElement('span');
  const name = card.fields?.name;
  text.textContent = name ? `Card read: ${name}. Review it` : 'A card was read: review it';
  const go = document.createElement('span');
  go.className = 'notice-go';
  go.setAttribute('aria-hidden', 'true');
  go.textContent = '›';
  link.append(text, go);
  box.prepend(link);
}
