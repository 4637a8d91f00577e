// Step 2 of the after-interview flow: card photos, made small on the phone, stored in the
// outbox and sent (multipart, with the interview's id); the server reads each one. A photo
// taken offline is read when it reaches the server: `onRead` runs then (an outbox:sent event).
import { newId } from './api.js';
import { downscale } from './camera.js';
import { send } from './outbox.js';

const SAID = {
  sending: 'Reading the card…',
  queued: 'Saved on this phone. It is read when Afterview can be reached.',
  read: 'Read.',
  saved: 'Saved.',
};

/** Wire the two file inputs; `flow` holds state, save(), interviewId() and onRead(id, card). */
export function bindShots(root, flow) {
  for (const input of root.querySelectorAll('.photo-buttons input[type=file]')) {
    input.addEventListener('change', async () => {
      const files = [...input.files];
      input.value = '';
      for (const file of files) await addShot(root, flow, file);
    });
  }
  window.addEventListener('outbox:sent', (event) => {
    const { meta, data } = event.detail || {};
    if (meta?.kind === 'card' && flow.state.cards[meta.cardId]) read(root, flow, meta.cardId, data);
  });
  for (const id of flow.state.order) shotItem(root, id, null, flow.state.cards[id]);
}

async function addShot(root, flow, file) {
  const id = newId();
  flow.state.cards[id] = { status: 'sending' };
  flow.state.order.push(id);
  flow.save();
  const image = await downscale(file);
  shotItem(root, id, URL.createObjectURL(image), flow.state.cards[id]);
  try {
    const result = await send('POST', '/api/cards', { id, interview_id: flow.interviewId(), image }, {
      multipart: true, label: 'Card photo', meta: { kind: 'card', cardId: id }, wait: 60000,
    });
    if (result.sent) read(root, flow, id, result.data);
    else setStatus(root, flow, id, 'queued');
  } catch (error) {
    delete flow.state.cards[id];
    flow.state.order = flow.state.order.filter((known) => known !== id);
    flow.save();
    const item = root.getElementById(`shot-${id}`);
    item.classList.add('is-failed');
    item.querySelector('[data-shot-status]').textContent = error.message;
  }
}

function read(root, flow, id, card) {
  const known = flow.state.cards[id];
  if (!known || known.status === 'read' || known.status === 'saved') return;
  known.name = card?.fields?.name || '';
  setStatus(root, flow, id, 'read');
  flow.onRead(id, card);
}

export function setStatus(root, flow, id, status) {
  flow.state.cards[id].status = status;
  flow.save();
  const item = root.getElementById(`shot-${id}`);
  if (!item) return;
  const name = flow.state.cards[id].name;
  item.querySelector('[data-shot-status]').textContent = status === 'read' && name ? `Read: ${name}` : SAID[status];
  item.dataset.status = status;
}

function shotItem(root, id, url, card) {
  const item = root.getElementById('shot-template').content.firstElementChild.cloneNode(true);
  item.id = `shot-${id}`;
  item.dataset.status = card.status;
  const thumb = item.querySelector('[data-thumb]');
  if (url) {
    thumb.src = url;
    thumb.alt = 'Card photo';
  } else if (card.status === 'read' || card.status === 'saved') {
    thumb.src = `/api/cards/${id}/photo`;
    thumb.alt = 'Card photo';
  } else {
    thumb.hidden = true;
  }
  const name = card.name;
  item.querySelector('[data-shot-status]').textContent = card.status === 'read' && name ? `Read: ${name}` : SAID[card.status];
  root.getElementById('shots').append(item);
}
