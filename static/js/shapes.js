// How each form's fields become the JSON body its API expects (chosen by data-shape).
import { newId } from './api.js';

/** Drop empty strings so the server's defaults apply. */
export function compact(values) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}

/** The phone's IANA time zone, or null where the browser cannot tell. */
export function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/**
 * One id per form until a create succeeds, so a retry after a lost answer replays the same
 * create (the server answers 200) instead of making a second row.
 */
function pendingId(form) {
  if (!form.dataset.pendingId) form.dataset.pendingId = newId();
  return form.dataset.pendingId;
}

export const shapes = {
  signup(values) {
    const body = { email: values.email, password: values.password };
    if (values.name && values.name.trim()) body.name = values.name.trim();
    const zone = deviceTimeZone();
    if (zone) body.timezone = zone;
    return body;
  },

  interview(values, form) {
    return { id: pendingId(form), ...compact(values) };
  },

  'interview-edit'(values) {
    // Empty text clears a field; an empty date keeps the one stored.
    const body = { ...values };
    if (!body.held_at) delete body.held_at;
    return body;
  },

  agreement(values) {
    // Every field is sent: an empty date clears it (null), an empty text clears it ("").
    const day = (value) => value || null;
    const wanted = { yes: true, no: false };
    return {
      decision_expected_on: day(values.decision_expected_on),
      follow_up_wanted: wanted[values.follow_up_wanted] ?? null,
      follow_up_on: day(values.follow_up_on),
      follow_up_channel: values.follow_up_channel || null,
      not_before: day(values.not_before),
      concerns: values.concerns ?? '',
      interests: values.interests ?? '',
      points_to_recall: values.points_to_recall ?? '',
      value_add_touches: values.value_add_touches === 'on',
    };
  },

  person(values, form) {
    return compact({
      id: pendingId(form),
      name: values.name,
      title: values.title,
      emails: values.email ? [values.email] : [],
      phones: values.phone ? [{ number: values.phone, type: values.phone_type }] : [],
      interview_id: form.dataset.interview,
      role: values.role,
    });
  },

  'contact-edit'(values, form) {
    // Several phone rows share the names phone / phone_type: read them row by row.
    const phones = [...form.querySelectorAll('[data-phone-row]')]
      .map((row) => ({ number: row.querySelector('input').value.trim(), type: row.querySelector('select').value }))
      .filter((phone) => phone.number);
    return {
      name: values.name,
      title: values.title ?? '',
      company: values.company ?? '',
      emails: (values.emails || '').split(/[,;\s]+/).filter(Boolean),
      phones,
      website: values.website ?? '',
      address: values.address ?? '',
      notes: values.notes ?? '',
    };
  },

  account(values, form) {
    const days = [...form.querySelectorAll('input[name="working_days"]:checked')].map((box) => box.value);
    return {
      name: values.name ?? '',
      timezone: values.timezone,
      reminder_hour: Number(values.reminder_hour),
      working_days: days,
      country: values.country || null,
    };
  },

  password(values) {
    return { old_password: values.old_password, password: values.password };
  },
};

/** Which input an API error field ("emails.0", "phones.0.number") belongs to. */
export const FIELD_INPUTS = { emails: 'email', phones: 'phone', working_days: 's-day-mon' };
