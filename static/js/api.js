// JSON to and from /api/...: one place that knows the error shape {error, message, field?}.

/** An API answer that was not 2xx (or no answer at all: status 0). */
export class ApiError extends Error {
  constructor(status, message, code = 'error', field = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * Send `body` (if any) as JSON; resolve to the parsed JSON (null for 204), reject with ApiError.
 * @param {string} method
 * @param {string} url
 * @param {object} [body]
 */
export async function api(method, url, body) {
  const options = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch {
    throw new ApiError(0, 'Could not reach Afterview. Check your connection and try again.', 'offline');
  }
  const data = await readJson(response);
  if (response.ok) return data;
  if (data && typeof data.message === 'string') {
    throw new ApiError(response.status, data.message, data.error, data.field ?? null);
  }
  throw new ApiError(response.status, `The server answered ${response.status}. Please try again.`);
}

/** The JSON body of `response`, or null (204, not JSON, or unreadable). */
export async function readJson(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts (not plain http on a LAN). */
export function newId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
