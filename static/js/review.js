// Check one person before saving: a card's draft (unsure fields marked) or a blank form, then
// POST /api/contacts through the outbox with the card, interview and role; when the server
// says the contact may already exist, ask "Same person?" and merge or keep both.
import { newId } from './api.js';
import { setBusy } from './forms.js';
import { send } from './outbox.js';

const REASONS = { email: 'the same email', phone: 'the same phone number', name: 'the same name and company' };
const TEXT_FIELDS = ['name', 'title', 'company', 'website', 'address'];
let counter = 0;

function clone(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

/**
 * Add a review form to `container`. `card` is a CardOut (or null for a blank form);
 * `onSaved(contact | null)` runs once the person is saved (null: kept on the phone).
 */
export function addReview(container, { card = null, role = 'interviewer', interviewId = null, onSaved = () => {} } = {}) {
  const form = clone('review-template');
  const prefix = `r${++counter}`;
  form.dataset.prefix = prefix;
  for (const input of form.querySelectorAll('[data-input]')) {
    input.id = `${prefix}-${input.dataset.input}`;
    form.querySelector(`[data-label="${input.dataset.input}"]`).htmlFor = input.id;
  }
  const fields = card?.fields || {};
  for (const name of TEXT_FIELDS) form.elements.namedItem(name).value = fields[name] || '';
  for (const email of fields.emails?.length ? fields.emails : ['']) addRow(form, 'emails', email);
  for (const phone of fields.phones?.length ? fields.phones : [{}]) addRow(form, 'phones', phone);
  form.elements.namedItem('role').value = role;
  if (!interviewId) form.querySelector('[data-field="role"]').hidden = true;
  const unsure = (card?.flagged || []).filter((name) => hasValue(fields[name]));
  for (const name of unsure) markUnsure(form, name);
  form.querySelector('[data-unsure-note]').hidden = unsure.length === 0;
  if (card?.photo_url) {
    const photo = form.querySelector('[data-photo]');
    photo.src = card.photo_url;
    photo.alt = `The card photo${fields.name ? ` of ${fields.name}` : ''}`;
    photo.hidden = false;
  }
  form.querySelector('[data-heading]').textContent = fields.name || (card ? 'Unnamed card' : 'New person');
  form.addEventListener('click', (event) => {
    const add = event.target.closest('[data-add]');
    if (add) addRow(form, add.dataset.add, '', true);
    if (event.target.closest('[data-discard]')) form.remove();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(form, { card, interviewId, onSaved });
  });
  container.append(form);
  return form;
}

function hasValue(value) {
  return Array.isArray(value) ? value.length > 0 : Boolean(value && String(value).trim());
}

function addRow(form, list, value, focus = false) {
  const row = clone(list === 'emails' ? 'email-row' : 'phone-row');
  const box = form.querySelector(`[data-list="${list}"]`);
  const n = box.children.length + 1;
  for (const control of row.querySelectorAll('input, select')) {
    control.id = `${form.dataset.prefix}-${control.name}-${n}`;
    const label = control.previousElementSibling;
    label.htmlFor = control.id;
    if (n > 1) label.textContent += ` ${n}`;
  }
  if (list === 'emails') row.querySelector('input').value = value || '';
  else {
    row.querySelector('input').value = value?.number || '';
    row.querySelector('select').value = value?.type || 'mobile';
  }
  box.append(row);
  if (focus) row.querySelector('input').focus();
}

function markUnsure(form, name) {
  const field = form.querySelector(`[data-field="${name}"]`);
  if (!field) return;
  field.classList.add('unsure');
  const hint = document.createElement('p');
  hint.className = 'hint unsure-hint';
  hint.id = `${form.dataset.prefix}-${name}-unsure`;
  hint.textContent = 'Check this: it was hard to read on the card.';
  field.append(hint);
  for (const control of field.querySelectorAll('input, select, textarea')) {
    control.setAttribute('aria-describedby', hint.id);
  }
  const label = field.querySelector('label');
  const tag = document.createElement('span');
  tag.className = 'unsure-tag';
  tag.textContent = 'Check';
  label?.append(' ', tag);
}

function bodyOf(form, { card, interviewId }) {
  const value = (name) => form.elements.namedItem(name)?.value.trim() || '';
  const body = Object.fromEntries(TEXT_FIELDS.map((name) => [name, value(name)]));
  body.emails = [...form.querySelectorAll('input[name="email"]')].map((i) => i.value.trim()).filter(Boolean);
  body.phones = [...form.querySelectorAll('.phone-row')]
    .map((row) => ({ number: row.querySelector('input').value.trim(), type: row.querySelector('select').value }))
    .filter((phone) => phone.number);
  if (interviewId) Object.assign(body, { interview_id: interviewId, role: value('role') });
  if (card?.id) body.card_id = card.id;
  return body;
}

async function save(form, context) {
  const error = form.querySelector('[data-error]');
  const body = bodyOf(form, context);
  error.textContent = '';
  if (!body.name) {
    error.textContent = 'Add the person’s name first.';
    form.elements.namedItem('name').focus();
    return;
  }
  form.dataset.pendingId ||= newId();
  body.id = form.dataset.pendingId;
  setBusy(form, true);
  try {
    const result = await send('POST', '/api/contacts', body, {
      label: `Contact: ${body.name}`, meta: { kind: 'contact', cardId: context.card?.id || null },
    });
    saved(form, body, result.sent ? result.data : null);
    context.onSaved(result.sent ? result.data : null);
  } catch (problem) {
    setBusy(form, false);
    error.textContent = problem.message || 'Could not save. Please try again.';
  }
}

/** The form becomes a one-line summary, with the "Same person?" question when there is one. */
function saved(form, body, contact) {
  const box = document.createElement('div');
  box.className = 'card review-saved';
  box.tabIndex = -1;
  const line = document.createElement('p');
  line.setAttribute('role', 'status');
  line.textContent = contact ? `Saved: ${body.name}.` : `${body.name}: saved on this phone, sent when Afterview can be reached.`;
  box.append(line);
  form.replaceWith(box);
  box.focus();
  const duplicate = contact?.possible_duplicates?.[0];
  if (duplicate) box.append(ask(duplicate, contact, line));
}

function ask(duplicate, contact, line) {
  const prompt = clone('duplicate-template');
  const where = duplicate.company ? ` (${duplicate.company})` : '';
  prompt.querySelector('[data-dup-text]').textContent = `${duplicate.name}${where} is already in your contacts, with ${REASONS[duplicate.reason] || 'similar details'}.`;
  prompt.setAttribute('aria-label', `Same person as ${duplicate.name}?`);
  prompt.addEventListener('click', async (event) => {
    const merge = event.target.closest('[data-merge]');
    if (!merge && !event.target.closest('[data-keep]')) return;
    for (const button of prompt.querySelectorAll('button')) button.disabled = true;
    if (merge) {
      const result = await send('POST', `/api/contacts/${duplicate.id}/merge`, { other_id: contact.id }, {
        label: `Merge: ${duplicate.name}`, meta: { kind: 'merge' },
      }).catch((problem) => ({ error: problem }));
      line.textContent = result.error ? result.error.message
        : `Merged into ${duplicate.name}${result.sent ? '.' : ' (saved on this phone).'}`;
    } else {
      line.textContent = `Saved: ${contact.name}, kept apart from ${duplicate.name}.`;
    }
    prompt.remove();
  });
  return prompt;
}
