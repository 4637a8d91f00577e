// Settings: reminders on this device (push.js) with a test notification, the phone's own time
// zone, and the calendar feed's address (GET, rotate, turn off: they need the network).
import { api } from '../api.js';
import { reminderState, turnOffReminders, turnOnReminders } from '../push.js';
import { deviceTimeZone } from '../shapes.js';

const STATES = {
  on: 'Reminders are on for this device.',
  off: 'Reminders are off on this device. Turn them on to be told when a follow-up is due.',
  denied: 'Notifications are blocked for Afterview. Allow them in the browser’s site settings, then come back.',
  'needs-install': 'On iPhone and iPad, reminders work in the installed app: add Afterview to your Home Screen first (see below).',
  unsupported: 'This browser cannot show reminders. The calendar feed below works everywhere.',
};

export function start(root) {
  reminders(root);
  timeZone(root);
  feed(root);
}

async function reminders(root) {
  const said = root.getElementById('reminder-state');
  const on = root.getElementById('reminders-on');
  const off = root.getElementById('reminders-off');
  const test = root.getElementById('reminders-test');
  const testSaid = root.getElementById('test-said');
  const show = (state) => {
    said.textContent = STATES[state] || STATES.unsupported;
    on.hidden = state !== 'off';
    off.hidden = state !== 'on';
    test.hidden = state !== 'on';
  };
  const act = async (button, work) => {
    button.disabled = true;
    try {
      show(await work());
    } catch (error) {
      said.textContent = error.message || 'That did not work. Please try again.';
    } finally {
      button.disabled = false;
    }
  };
  on.addEventListener('click', () => act(on, turnOnReminders));
  off.addEventListener('click', () => act(off, turnOffReminders));
  test.addEventListener('click', async () => {
    test.disabled = true;
    testSaid.textContent = 'Sending…';
    try {
      const answer = await api('POST', '/api/push/test');
      testSaid.textContent = answer.sent
        ? 'Sent. It should appear in a few seconds.'
        : 'No device could be reached. Turn reminders off and on again.';
    } catch (error) {
      testSaid.textContent = error.message;
    } finally {
      test.disabled = false;
    }
  });
  show(await reminderState().catch(() => 'unsupported'));
}

function timeZone(root) {
  const select = root.getElementById('s-timezone');
  const note = root.getElementById('zone-detected');
  const use = root.getElementById('use-detected');
  const zone = deviceTimeZone();
  if (!zone || ![...select.options].some((option) => option.value === zone)) return;
  if (zone === select.value) {
    note.textContent = 'The same as this phone’s.';
    return;
  }
  note.textContent = `This phone is set to ${zone}.`;
  use.hidden = false;
  use.addEventListener('click', () => {
    select.value = zone;
    note.textContent = `Set to this phone’s time zone (${zone}). Save to keep it.`;
    use.hidden = true;
    select.focus();
  });
}

function feed(root) {
  const error = root.getElementById('feed-error');
  const onBox = root.getElementById('feed-on');
  const startButton = root.getElementById('feed-start');
  const show = (urls) => {
    onBox.hidden = !urls;
    startButton.hidden = Boolean(urls);
    if (urls) {
      root.getElementById('feed-url').textContent = urls.webcal_url;
      root.getElementById('feed-open').href = urls.webcal_url;
    }
  };
  const call = async (button, method, url, confirmText) => {
    if (confirmText && !window.confirm(confirmText)) return;
    error.textContent = '';
    button.disabled = true;
    try {
      const answer = await api(method, url);
      show(method === 'DELETE' ? null : answer);
      (method === 'DELETE' ? startButton : root.getElementById('feed-open')).focus();
    } catch (problem) {
      error.textContent = problem.message;
    } finally {
      button.disabled = false;
    }
  };
  startButton.addEventListener('click', () => call(startButton, 'GET', '/api/calendar'));
  const rotate = root.getElementById('feed-rotate');
  rotate.addEventListener('click', () => call(rotate, 'POST', '/api/calendar/rotate',
    'Make a new address? Calendars using the old one stop getting updates.'));
  const off = root.getElementById('feed-off');
  off.addEventListener('click', () => call(off, 'DELETE', '/api/calendar',
    'Turn the calendar feed off? Calendars using it stop getting updates.'));
}
