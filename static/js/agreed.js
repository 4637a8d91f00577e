// "What was agreed" in the after-interview flow: quick chips turned into the interview's
// agreement fields (the PATCH body the planner on the server reads).

/** A local date as YYYY-MM-DD (not toISOString: that is UTC, and may be another day). */
export function isoDay(day) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function addDays(day, days) {
  const next = new Date(day);
  next.setDate(next.getDate() + days);
  return next;
}

/** This week's Friday (today at the weekend), next week's Friday, or two weeks from today. */
export function decisionDay(choice, today = new Date()) {
  const monday = (today.getDay() + 6) % 7; // days since Monday
  const friday = addDays(today, 4 - monday);
  if (choice === 'this_week') return isoDay(friday < today ? today : friday);
  if (choice === 'next_week') return isoDay(addDays(friday, 7));
  if (choice === 'two_weeks') return isoDay(addDays(today, 14));
  return null;
}

/** The PATCH body: every agreement field, so saving again replaces what was sent before. */
export function agreement(form) {
  const values = Object.fromEntries(new FormData(form));
  const day = (value) => value || null;
  const wanted = { yes: true, no: false };
  const decision = values.decision === 'date' ? day(values.decision_expected_on) : decisionDay(values.decision);
  return {
    decision_expected_on: decision,
    follow_up_wanted: wanted[values.follow_up_wanted] ?? null,
    follow_up_on: day(values.follow_up_on),
    follow_up_channel: values.follow_up_channel || null,
    not_before: day(values.not_before),
    concerns: (values.concerns || '').trim(),
    interests: (values.interests || '').trim(),
    points_to_recall: (values.points_to_recall || '').trim(),
    value_add_touches: values.value_add_touches === 'on',
  };
}

/** Show the date input only for "On a date"; a follow-up channel or date implies "follow up". */
export function bindAgreed(form) {
  const dateField = document.getElementById('decision-date-field');
  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target.name === 'decision') {
      dateField.hidden = target.value !== 'date';
      if (!dateField.hidden) dateField.querySelector('input').focus();
    }
    if ((target.name === 'follow_up_channel' && target.value) || (target.name === 'follow_up_on' && target.value)) {
      const yes = form.querySelector('input[name="follow_up_wanted"][value="yes"]');
      const none = form.querySelector('input[name="follow_up_wanted"][value=""]');
      if (none.checked) yes.checked = true;
    }
  });
}
