// The plan made on the server for an interview (GET /api/interviews/<id>: tasks), shown at the
// end of the after-interview flow with each draft. No planner here: offline, nothing is shown.
import { api } from './api.js';

const CHANNELS = { email: 'Email', mail: 'By post', phone: 'Call', in_person: 'In person', other: 'To do' };
const WHEN = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
});

/** Fill `list` with the pending tasks of `interview` (an InterviewOut); returns how many. */
export function showPlan(list, interview) {
  const template = document.getElementById('plan-item');
  const tasks = (interview.tasks || []).filter((task) => task.status === 'pending');
  list.replaceChildren(...tasks.map((task) => {
    const item = template.content.firstElementChild.cloneNode(true);
    const when = item.querySelector('[data-when]');
    when.dateTime = task.due_at;
    when.textContent = WHEN.format(new Date(task.due_at));
    item.querySelector('[data-channel]').textContent = CHANNELS[task.channel] || task.channel;
    item.querySelector('[data-title]').textContent = task.title;
    const who = item.querySelector('[data-who]');
    if (task.contact_name) who.textContent = task.contact_name;
    else who.remove();
    const draft = item.querySelector('[data-draft]');
    if (task.body || task.subject) {
      const summary = draft.querySelector('summary');
      const hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ` for: ${task.title}`;
      summary.append(hidden);
      if (task.subject) item.querySelector('[data-subject]').textContent = task.subject;
      else item.querySelector('[data-subject-line]').remove();
      item.querySelector('[data-body]').textContent = task.body;
    } else {
      draft.remove();
    }
    return item;
  }));
  return tasks.length;
}

let turn = 0;

/** Fetch the interview and show its plan; offline (or not there yet), say when it appears. */
export async function loadPlan(root, interviewId) {
  const mine = ++turn;
  const note = root.getElementById('plan-note');
  const finish = root.getElementById('finish');
  try {
    const interview = await api('GET', `/api/interviews/${interviewId}`);
    if (mine !== turn) return;
    const count = showPlan(root.getElementById('plan-list'), interview);
    note.hidden = count > 0;
    note.textContent = 'Nothing planned yet: add the people you met and what was agreed on the interview page.';
    finish.href = `/interviews/${interviewId}`;
    finish.textContent = 'Done: open the interview';
  } catch {
    if (mine !== turn) return;
    note.hidden = false;
    note.textContent = 'Everything is saved on this phone. Your plan will appear when the phone is back online.';
    finish.href = '/';
    finish.textContent = 'Done';
  }
}
