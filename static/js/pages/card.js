// Review one card the server has read (e.g. a photo taken offline): fill the review form from
// GET /api/cards/<id>, save the person with the card's photo and interview.
import { api } from '../api.js';
import { addReview } from '../review.js';

export async function start(root) {
  const box = root.getElementById('card-review');
  const loading = box.querySelector('[data-loading]');
  let card;
  try {
    card = await api('GET', `/api/cards/${box.dataset.card}`);
  } catch (error) {
    loading.textContent = error.status === 0
      ? 'This card can be reviewed when the phone is back online.'
      : error.message;
    return;
  }
  loading.remove();
  addReview(box, {
    card,
    interviewId: card.interview_id,
    onSaved: () => {
      root.getElementById('card-next').hidden = false;
    },
  });
}
