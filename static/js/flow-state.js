// The after-interview flow's draft: the step reached, the interview's id and fields, the cards
// sent and what was typed under "what was agreed", kept in localStorage per user, so a reload,
// or the phone closing the app mid-flow, continues where it was. A draft older than a day is
// dropped (that interview is long saved; a new one starts clean). Photos are not kept here:
// they are in the outbox, or on the server, from the moment they are taken.

const PREFIX = 'afterview:after-flow:';
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

function key() {
  const user = document.querySelector('meta[name="afterview-user"]')?.content || 'nobody';
  return PREFIX + user;
}

function fresh(steps) {
  return { step: steps[0], interviewId: null, interview: null, sent: false, cards: {}, order: [], agreed: null };
}

export function loadDraft(steps) {
  try {
    const saved = JSON.parse(localStorage.getItem(key()));
    const recent = saved && Date.now() - (saved.savedAt || 0) < MAX_AGE_MS;
    if (recent && steps.includes(saved.step)) return saved;
  } catch {
    // No storage (private mode) or a broken draft: start again.
  }
  return fresh(steps);
}

export function saveDraft(state) {
  try {
    localStorage.setItem(key(), JSON.stringify({ ...state, savedAt: Date.now() }));
  } catch {
    // The flow still works; only a reload would start it again.
  }
}

export function clearDraft() {
  try {
    localStorage.removeItem(key());
  } catch {
    // Nothing was kept.
  }
}

/** The form's controls as {name: value}; checkboxes and radios by what is checked. */
export function formFields(form) {
  const fields = {};
  for (const control of form.elements) {
    if (!control.name || control.type === 'submit' || control.type === 'button') continue;
    if (control.type === 'radio') {
      if (control.checked) fields[control.name] = control.value;
    } else if (control.type === 'checkbox') {
      fields[control.name] = control.checked;
    } else {
      fields[control.name] = control.value;
    }
  }
  return fields;
}

/** Put `fields` (from formFields) back, then announce the changes the form reacts to. */
export function fillForm(form, fields) {
  for (const control of form.elements) {
    if (!control.name || !(control.name in fields)) continue;
    const value = fields[control.name];
    if (control.type === 'radio') control.checked = control.value === value;
    else if (control.type === 'checkbox') control.checked = value === true;
    else control.value = value;
    if (control.type !== 'radio' || control.checked) {
      control.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
}
