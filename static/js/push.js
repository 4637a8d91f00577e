// Reminders on this device: web push through the service worker. Turned on only from a click
// (never on load: browsers and people both dislike an unasked prompt).
import { api } from './api.js';
import { isIos, isStandalone } from './install.js';
import { send } from './outbox.js';

const LABEL = 'Reminders on this device';

function supported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function registration() {
  if (!('serviceWorker' in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration('/')) || null;
}

/** 'unsupported' | 'needs-install' (iOS Safari) | 'denied' | 'off' | 'on'. */
export async function reminderState() {
  if (isIos() && !isStandalone()) return 'needs-install';
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await registration();
  const subscription = reg && (await reg.pushManager.getSubscription());
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Ask permission, subscribe with the server's key and save the subscription. Call from a click. */
export async function turnOnReminders() {
  if (!supported()) return reminderState();
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const { publicKey } = await api('GET', '/api/push/key');
  const reg = await navigator.serviceWorker.ready;
  const options = { userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) };
  let subscription;
  try {
    subscription = await reg.pushManager.subscribe(options);
  } catch (error) {
    // Subscribed before with another server key: start again with this one.
    const old = await reg.pushManager.getSubscription();
    if (!old) throw new Error(`This browser could not turn on notifications (${error.message}).`);
    await old.unsubscribe();
    subscription = await reg.pushManager.subscribe(options);
  }
  await send('PUT', '/api/push/subscription', subscription.toJSON(), { label: LABEL, replace: true });
  return 'on';
}

/** Forget this device on the server and in the browser. */
export async function turnOffReminders() {
  const reg = await registration();
  const subscription = reg && (await reg.pushManager.getSubscription());
  if (subscription) {
    await send('DELETE', '/api/push/subscription', { endpoint: subscription.endpoint }, { label: LABEL, replace: true });
    await subscription.unsubscribe();
  }
  return reminderState();
}

/**
 * On every app start: if reminders are on, save the subscription again (push services rotate
 * them; the server may have dropped a stale one). Once per tab session, through the outbox.
 */
export async function refreshSubscription() {
  if (!supported() || Notification.permission !== 'granted') return;
  const reg = await registration();
  const subscription = reg && (await reg.pushManager.getSubscription());
  if (!subscription) return;
  const key = 'afterview:push-refreshed';
  if (sessionStorage.getItem(key) === subscription.endpoint) return;
  sessionStorage.setItem(key, subscription.endpoint);
  await send('PUT', '/api/push/subscription', subscription.toJSON(), { label: LABEL, replace: true, wait: 0 });
}

/** At log-out: this device stops getting the user's reminders (the subscription stays, so the
 * next person to log in here, or the same one, gets it by the refresh above). */
export async function forgetDevice() {
  const reg = await registration();
  const subscription = reg && (await reg.pushManager.getSubscription());
  sessionStorage.removeItem('afterview:push-refreshed');
  if (subscription) await api('DELETE', '/api/push/subscription', { endpoint: subscription.endpoint });
}
