// The API client: tokens, their refresh before they expire, and errors as
// the server words them. Tokens live in localStorage so a reload keeps the
// session; the refresh token is rotated by every refresh.

const STORE = "doctag.session";
const REFRESH_EARLY_MS = 60 * 1000;

let session = load();
let refreshTimer = null;
let refreshing = null;
const listeners = new Set();

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || null;
  } catch {
    return null;
  }
}

function save(s) {
  session = s;
  if (s) localStorage.setItem(STORE, JSON.stringify(s));
  else localStorage.removeItem(STORE);
  schedule();
  listeners.forEach((f) => f(s));
}

/** Calls f(session) whenever the user logs in, refreshes or is logged out. */
export function onSession(f) {
  listeners.add(f);
}

export function currentUser() {
  return session ? session.user : null;
}

export function accessToken() {
  return session ? session.access : null;
}

/** An error the server answered: `message` is its `detail`, or the
 * 422 list joined into one line per field. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function detailText(body, status) {
  const d = body && body.detail;
  if (typeof d === "string") return d;
  if (Array.isArray(d))
    return d.map((e) => `${(e.loc || []).filter((x) => x !== "body").join(".") || "request"}: ${e.msg}`).join("; ");
  return `The server answered ${status}`;
}

async function parse(r) {
  const type = r.headers.get("content-type") || "";
  if (type.startsWith("application/json")) return r.json();
  return null;
}

function schedule() {
  clearTimeout(refreshTimer);
  if (!session) return;
  const wait = Math.max(5000, session.expiresAt - Date.now() - REFRESH_EARLY_MS);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), wait);
}

function takeTokens(tokens, user) {
  save({
    user: user || (session && session.user),
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
  });
}

/** Exchanges the refresh token (once at a time, across tabs); logs out
 * when refused. Refresh tokens are single use and reusing one revokes the
 * whole family, so two tabs must never both send the same one: the
 * exchange holds a Web Lock where the browser has them, and a tab first
 * takes what another tab already stored. */
export function refresh() {
  if (!session) return Promise.reject(new ApiError(401, "Not logged in"));
  if (!refreshing) {
    const run = () => {
      const stored = load();
      if (stored && session && stored.refresh !== session.refresh && stored.expiresAt - Date.now() > REFRESH_EARLY_MS) {
        adopt(stored);
        return Promise.resolve();
      }
      return exchange();
    };
    const locked = navigator.locks ? navigator.locks.request("doctag.refresh", run) : run();
    refreshing = locked.finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

function adopt(s) {
  session = s;
  schedule();
  listeners.forEach((f) => f(s));
}

async function exchange() {
  if (!session) throw new ApiError(401, "Not logged in");
  const r = await fetch("/api/auth/refresh", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: session.refresh }),
  });
  const body = await parse(r);
  if (!r.ok) {
    if (r.status === 401) save(null);
    throw new ApiError(r.status, detailText(body, r.status), body);
  }
  takeTokens(body);
}

// Another tab logged in, refreshed or logged out.
window.addEventListener("storage", (e) => {
  if (e.key === STORE) adopt(load());
});

/** fetch with the bearer token; on a 401 the token is refreshed once and
 * the request repeated. Resolves to the parsed JSON (or the Response when
 * `raw`), rejects with ApiError. */
export async function request(method, path, { json, form, raw, auth = true } = {}) {
  const once = async () => {
    const headers = {};
    if (auth && session) headers.authorization = `Bearer ${session.access}`;
    let body;
    if (json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    return fetch(path, { method, headers, body });
  };
  let r;
  try {
    r = await once();
    if (r.status === 401 && auth && session) {
      await refresh();
      r = await once();
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
  }
  if (raw && r.ok) return r;
  const body = await parse(r);
  if (!r.ok) throw new ApiError(r.status, detailText(body, r.status), body);
  return body;
}

export const get = (path, opts) => request("GET", path, opts);
export const post = (path, json, opts = {}) => request("POST", path, { ...opts, json });
export const del = (path) => request("DELETE", path);

export async function login(email, password) {
  const body = await request("POST", "/api/auth/login", { json: { email, password }, auth: false });
  takeTokens(body.tokens, body.user);
  return body.user;
}

export async function register(email, password, fullName) {
  await request("POST", "/api/auth/register", {
    json: { email, password, full_name: fullName || null },
    auth: false,
  });
  return login(email, password);
}

export async function logout() {
  const token = session && session.refresh;
  save(null);
  if (token) await request("POST", "/api/auth/logout", { json: { refresh_token: token }, auth: false }).catch(() => {});
}

/** The WebSocket URL of a job, with the access token (browsers cannot set
 * headers on a WebSocket). */
export function jobSocketUrl(jobId) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/batch/ws/${encodeURIComponent(jobId)}?token=${encodeURIComponent(accessToken() || "")}`;
}

// A token that expired while the tab slept is refreshed when it wakes.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && session && session.expiresAt - Date.now() < REFRESH_EARLY_MS)
    refresh().catch(() => {});
});
schedule();
