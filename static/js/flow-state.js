// The after-interview flow's draft: the step reached, the interview's id and fields, and the
// cards sent, kept in sessionStorage so a reload mid-flow continues where it was. (Photos are
// not kept here: they are in the outbox, or on the server, from the moment they are taken.)

const KEY = 'afterview:after-flow';

function fresh(steps) {
  return { step: steps[0], interviewId: null, interview: null, sent: false, cards: {}, order: [] };
}

export function loadDraft(steps) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY));
    if (saved && steps.includes(saved.step)) return saved;
  } catch {
    // No storage (private mode) or a broken draft: start again.
  }
  return fresh(steps);
}

export function saveDraft(state) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // The flow still works; only a reload would start it again.
  }
}

export function clearDraft() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was kept.
  }
}
