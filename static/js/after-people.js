// Step 3 of the after-interview flow (and the people named in step 4): a review form for each
// card read by the server, a blank one for someone without a card, and a note for the cards
// still on their way. A card read later in the flow is offered as a link to its review page.
import { api } from './api.js';
import { addReview } from './review.js';

let root;
let flow;
const shown = new Set();

/** `flow` is the page's {state, save}: the draft this step reads and updates. */
export function bindPeople(doc, pageFlow) {
  root = doc;
  flow = pageFlow;
}

export function review(card, role, focus = false, where = 'reviews') {
  const form = addReview(root.getElementById(where), {
    card, role, interviewId: flow.state.interviewId, onSaved: () => {
      if (card && flow.state.cards[card.id]) flow.state.cards[card.id].status = 'saved';
      flow.save();
    },
  });
  if (focus) form.querySelector('input').focus();
  return form;
}

/** A card was read: offer its review now (in step 3), or a link to it (later in the flow). */
export function onRead(id, card) {
  if (shown.has(id)) return;
  if (flow.state.step === 'people') {
    shown.add(id);
    review(card, 'interviewer');
  } else if (flow.state.step === 'agreed' || flow.state.step === 'plan') {
    shown.add(id);
    const link = document.createElement('a');
    link.className = 'notice-link';
    link.href = `/cards/${encodeURIComponent(id)}`;
    link.textContent = `Card read${card?.fields?.name ? `: ${card.fields.name}` : ''}. Review it`;
    root.getElementById('late-cards').append(link);
  }
  updateWaiting();
}

export async function showPeople() {
  for (const id of flow.state.order) {
    const card = flow.state.cards[id];
    if (card.status !== 'read' || shown.has(id)) continue;
    shown.add(id);
    try {
      review(await api('GET', `/api/cards/${id}`), 'interviewer');
    } catch {
      shown.delete(id);
    }
  }
  updateWaiting();
  const reviews = root.getElementById('reviews');
  if (!flow.state.order.length && !reviews.children.length) review(null, 'interviewer');
}

function updateWaiting() {
  const waiting = flow.state.order.filter((id) => ['sending', 'queued'].includes(flow.state.cards[id].status)).length;
  const note = root.getElementById('waiting-note');
  note.hidden = waiting === 0;
  note.textContent = waiting === 1
    ? '1 card is still on its way. It is read when it reaches Afterview; you can review it then (Today lists it too).'
    : `${waiting} cards are still on their way. They are read when they reach Afterview; you can review them then (Today lists them too).`;
}

