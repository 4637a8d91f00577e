// The app icon's badge (Badging API, where it exists): how many tasks are due today.
import { api } from './api.js';

const KEY = 'afterview:badge-at';
const EVERY = 5 * 60 * 1000;

/**
 * Ask the server how many tasks are due today and show that on the icon. `throttled` (an app
 * start) asks at most every 5 minutes; after the user finished or snoozed a task, ask now.
 */
export async function refreshBadge({ throttled = false } = {}) {
  if (!('setAppBadge' in navigator)) return;
  if (throttled) {
    if (Date.now() - Number(sessionStorage.getItem(KEY) || 0) < EVERY) return;
    sessionStorage.setItem(KEY, String(Date.now()));
  }
  try {
    const due = (await api('GET', '/api/tasks?view=today')).length;
    await (due ? navigator.setAppBadge(due) : navigator.clearAppBadge());
  } catch {
    // Offline or not installed: the badge stays as it was.
  }
}
