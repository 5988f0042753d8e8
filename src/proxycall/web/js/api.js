// The public HTTP API, as the web app uses it: bearer token, JSON, one error shape.

const TOKEN_KEY = "proxycall.token";

/** An error the API (or the network) reported, in the contract's {code, message} shape. */
export class ApiError extends Error {
  constructor(status, code, message, details = null, retryAfter = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

/** The token kept in this browser (localStorage can be blocked: then it lives in memory). */
let memoryToken = null;
export const token = {
  get() {
    try { return localStorage.getItem(TOKEN_KEY) ?? memoryToken; } catch { return memoryToken; }
  },
  set(value) {
    memoryToken = value;
    try { localStorage.setItem(TOKEN_KEY, value); } catch { /* private mode: memory only */ }
  },
  clear() {
    memoryToken = null;
    try { localStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
  },
};

/** Reads `#token=…` from the address, then removes it so it is not bookmarked or shared. */
export function takeTokenFromUrl() {
  const match = location.hash.match(/^#(?:.*&)?token=([^&]*)/);
  if (!match) return null;
  history.replaceState(null, "", location.pathname + location.search);
  try { return decodeURIComponent(match[1]).trim(); } catch { return match[1].trim(); }
}

/** A random id; crypto.randomUUID only exists on secure origins, getRandomValues everywhere. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let unauthorizedHandler = () => {};
/** Called on any 401 so the app can show the sign-in screen. */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

const FALLBACK_MESSAGES = {
  401: "Your sign-in link didn't work. Open the link printed when proxycall started.",
  403: "You don't have access to that.",
  404: "We couldn't find that. It may belong to another account.",
  409: "That has already been done.",
  413: "That message is too long.",
  429: "That's a lot of requests at once. Give it a moment and try again.",
  503: "The service is busy or paused right now. Try again in a little while.",
};

function fallbackMessage(status) {
  return FALLBACK_MESSAGES[status] ?? "Something went wrong on our side. Please try again.";
}

/** One request; resolves with the JSON body or throws ApiError. */
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const bearer = token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let res;
  try {
    res = await fetch(path, {
      method, headers, cache: "no-store", credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error",
      "Can't reach proxycall right now. Check the connection and try again.");
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (res.ok) return data;
  const err = (data && typeof data.error === "object" && data.error) || {};
  const retryAfter = Number(res.headers.get("Retry-After")) || null;
  const error = new ApiError(res.status, err.code || `http_${res.status}`,
    err.message || fallbackMessage(res.status), err.details ?? null, retryAfter);
  if (res.status === 401) unauthorizedHandler(error);
  throw error;
}

/** True when repeating the same request (same idempotency key) may succeed. */
export function isRetryable(error) {
  if (!(error instanceof ApiError)) return false;
  if (error.code === "calls_paused") return false;
  return error.status === 0 || error.status === 429 || error.status === 502 ||
    error.status === 503 || error.status === 504;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Repeats a request on a transient failure; the body (and its idempotency key) stays the same. */
export async function withRetry(fn, attempts = 3) {
  for (let i = 1; ; i += 1) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isRetryable(error)) throw error;
      const backoff = error.retryAfter ? Math.min(error.retryAfter, 10) * 1000 : 500 * 2 ** (i - 1);
      await wait(backoff);
    }
  }
}

const enc = encodeURIComponent;

export const api = {
  me: () => request("GET", "/me"),
  agents: () => request("GET", "/v2/agents"),
  next: (body) => request("POST", "/v2/conversation/next", body),
  conversations: () => request("GET", "/v2/conversations"),
  conversation: (id) => request("GET", `/v2/conversations/${enc(id)}`),
  calls: () => request("GET", "/calls"),
  searchPlaces: (body) => request("POST", "/places/search", body),
  brief: (conversationId) => request("POST", "/call/brief", { conversationId }),
  startCall: (body) => request("POST", "/call/start", body),
  callStatus: (callId) => request("GET", `/call/status/${enc(callId)}`),
  callResult: (callId) => request("POST", "/call/result/format", { callId }),
  cancelCall: (callId) => request("POST", "/call/cancel", { callId }),
  rescheduleCall: (callId, scheduledFor) =>
    request("POST", "/call/reschedule", { callId, scheduledFor }),
};
