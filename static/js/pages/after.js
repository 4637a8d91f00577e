// The after-interview flow: company -> card photos -> check the people -> what was agreed ->
// the plan. Every write goes through the outbox in order (the interview first, with its
// phone-minted id), so the whole flow works offline; the step reached and the ids survive a
// reload or the app being closed (flow-state.js).
import { newId } from '../api.js';
import { bindPeople, onRead, review, showPeople } from '../after-people.js';
import { agreement, bindAgreed } from '../agreed.js';
import { bindShots } from '../card-shots.js';
import { send } from '../outbox.js';
import { clearDraft, fillForm, formFields, loadDraft, saveDraft } from '../flow-state.js';
import { loadPlan as fetchPlan } from '../plan-view.js';
import { compact } from '../shapes.js';

const STEPS = ['interview', 'cards', 'people', 'agreed', 'plan'];
let root;
let flow;

export function start(doc) {
  root = doc;
  flow = { state: loadDraft(STEPS), save, interviewId: () => flow.state.interviewId, onRead };
  bindPeople(root, flow);
  const interviewForm = root.getElementById('interview-form');
  for (const [name, value] of Object.entries(flow.state.interview || {})) {
    const input = interviewForm.elements.namedItem(name);
    if (input && value) input.value = value;
  }
  interviewForm.addEventListener('submit', submitInterview);
  bindShots(root, flow);
  const agreedForm = root.getElementById('agreed-form');
  bindAgreed(agreedForm);
  // What is typed here is the slowest part to redo: keep it with the draft as it is typed.
  if (flow.state.agreed) fillForm(agreedForm, flow.state.agreed);
  const keepAgreed = () => {
    flow.state.agreed = formFields(agreedForm);
    save();
  };
  agreedForm.addEventListener('input', keepAgreed);
  agreedForm.addEventListener('change', keepAgreed);
  agreedForm.addEventListener('submit', submitAgreed);
  root.getElementById('add-person').addEventListener('click', () => review(null, 'interviewer', true));
  for (const button of root.querySelectorAll('[data-add-person]')) {
    button.addEventListener('click', () => review(null, button.dataset.addPerson, true, 'named-people'));
  }
  for (const button of root.querySelectorAll('[data-back]')) {
    button.addEventListener('click', () => go(STEPS[STEPS.indexOf(flow.state.step) - 1]));
  }
  root.querySelector('[data-step="cards"] [data-next]').addEventListener('click', () => go('people'));
  root.querySelector('[data-step="people"] [data-next]').addEventListener('click', () => go('agreed'));
  root.getElementById('finish').addEventListener('click', clearDraft);
  offerRestart();
  window.addEventListener('outbox:sent', (event) => {
    const kind = event.detail?.meta?.kind;
    if (kind === 'interview') flow.state.sent = true;
    if (kind && flow.state.step === 'plan') loadPlan();
  });
  go(flow.state.step, false);
  root.body.dataset.ready = 'true';
}

function status(text) {
  root.getElementById('flow-status').textContent = text;
}

function go(step, focus = true) {
  flow.state.step = step;
  save();
  for (const section of root.querySelectorAll('[data-step]')) section.hidden = section.dataset.step !== step;
  for (const dot of root.querySelectorAll('[data-step-dot]')) {
    if (dot.dataset.stepDot === step) dot.setAttribute('aria-current', 'step');
    else dot.removeAttribute('aria-current');
  }
  if (step === 'people') showPeople();
  if (step === 'plan') loadPlan();
  if (focus) {
    const heading = root.querySelector(`[data-step="${step}"] h2`);
    heading.tabIndex = -1;
    heading.focus();
    window.scrollTo(0, 0);
  }
}

async function submitInterview(event) {
  event.preventDefault();
  const form = event.target;
  const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, v.trim()]));
  const error = form.querySelector('[data-error]');
  error.textContent = '';
  if (!values.company) {
    error.textContent = 'Add the company’s name first.';
    form.elements.namedItem('company').focus();
    return;
  }
  const same = flow.state.interview && JSON.stringify(flow.state.interview) === JSON.stringify(values);
  if (!same) {
    const creating = !flow.state.interviewId;
    flow.state.interviewId ||= newId();
    const body = creating ? { id: flow.state.interviewId, ...compact(values) } : values;
    try {
      const result = await send(creating ? 'POST' : 'PATCH', creating ? '/api/interviews' : `/api/interviews/${flow.state.interviewId}`, body, {
        label: `Interview at ${values.company}`, meta: { kind: 'interview' },
      });
      if (result.sent) flow.state.sent = true;
      status(result.sent ? '' : 'Saved on this phone. Everything you add is sent when Afterview can be reached.');
    } catch (problem) {
      error.textContent = problem.message;
      return;
    }
    flow.state.interview = values;
  }
  go('cards');
}

async function submitAgreed(event) {
  event.preventDefault();
  const form = event.target;
  const error = form.querySelector('[data-error]');
  error.textContent = '';
  try {
    await send('PATCH', `/api/interviews/${flow.state.interviewId}`, agreement(form), {
      label: 'What was agreed', meta: { kind: 'agreed' },
    });
  } catch (problem) {
    error.textContent = problem.message;
    return;
  }
  go('plan');
}

function save() {
  saveDraft(flow.state);
}

/** A draft from earlier in this tab: say so, and offer a fresh start. */
function offerRestart() {
  if (!flow.state.interviewId) return;
  const company = flow.state.interview?.company;
  status(`Continuing where you left off${company ? ` (${company})` : ''}.`);
  const restart = root.getElementById('flow-restart');
  restart.hidden = false;
  restart.addEventListener('click', () => {
    clearDraft();
    window.location.reload();
  });
}

function loadPlan() {
  return fetchPlan(root, flow.state.interviewId);
}
