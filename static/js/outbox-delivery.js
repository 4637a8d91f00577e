// One outbox entry over the network, and what its answer means for the queue.

import { readJson } from './api.js';

const TIMEOUT_MS = 30000;
// A card photo waits for OCR on the server (and maybe for its queue): give it longer.
const UPLOAD_TIMEOUT_MS = 90000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const FIRST_DELAY_MS = 2000;

/** 408, 429, 5xx and no answer at all (status 0) are worth trying again later. */
export function retryable(status) {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with jitter, capped at about five minutes. */
export function backoff(attempts) {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Retry-After in ms, from seconds or an HTTP date; null when absent or unreadable. */
export function retryAfter(value) {
  if (!value) return null;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(seconds, 0) * 1000, 60 * 60 * 1000);
}

function formData(fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields || {})) {
    if (value instanceof Blob) form.append(name, value, value.name || `${name}.jpg`);
    else if (value !== null && value !== undefined) form.append(name, String(value));
  }
  return form;
}

/**
 * Send `entry`; resolves to {status, data, message, code, field, retryAfter} (status 0 when
 * the server could not be reached). The X-Afterview-User header makes the server refuse the
 * write (401) if this browser is now logged in as someone else.
 */
export async function deliver(entry) {
  const headers = { Accept: 'application/json', 'X-Afterview-User': entry.user };
  const controller = new AbortController();
  const init = { method: entry.method, credentials: 'same-origin', headers, signal: controller.signal };
  if (entry.multipart) {
    init.body = formData(entry.body);
  } else if (entry.body !== null && entry.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(entry.body);
  }
  const timer = setTimeout(() => controller.abort(), entry.multipart ? UPLOAD_TIMEOUT_MS : TIMEOUT_MS);
  try {
    const response = await fetch(entry.url, init);
    const data = await readJson(response);
    return {
      status: response.status,
      data,
      message: typeof data?.message === 'string' ? data.message : `The server answered ${response.status}.`,
      code: data?.error || 'error',
      field: data?.field ?? null,
      retryAfter: retryAfter(response.headers.get('Retry-After')),
    };
  } catch {
    return { status: 0, data: null, message: 'Could not reach Afterview.', code: 'offline', field: null, retryAfter: null };
  } finally {
    clearTimeout(timer);
  }
}
