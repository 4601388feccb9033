// The REST API, the sign-in token and the optional features (demos, Ask) the server offers.

const TOKEN_KEY = "descent.token";
const USER_KEY = "descent.user";
export const API = "/api/v1";

export const auth = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  get user() { return localStorage.getItem(USER_KEY); },
  get signedIn() { return Boolean(localStorage.getItem(TOKEN_KEY)); },
  set(token, user) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, user);
    window.dispatchEvent(new Event("descent:auth"));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    window.dispatchEvent(new Event("descent:auth"));
  },
};

/** An error answer of the API (application/problem+json). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Call the API; JSON in and out, the bearer token when signed in, problems as ApiError. */
const STARTUP_WAIT_S = 120;  // the server is loading its content: wait rather than fail

/** A 503 "starting" problem: the server listens but is still building its app. */
async function startingUp(response) {
  if (response.status !== 503) return false;
  const type = await response.clone().json().then((p) => p.type, () => "");
  return type === "/problems/starting";
}

export async function api(path, { method = "GET", body, form, signal, anonymous = false, token, headers: extra } = {}) {
  const headers = { Accept: "application/json", ...extra };
  const bearer = token ?? (anonymous ? null : auth.token);
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let payload;
  if (form) {
    payload = new URLSearchParams(form);
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  for (let waited = 0; ; ) {
    try {
      response = await fetch(API + path, { method, headers, body: payload, signal });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError(0, { title: "Network error", detail: "The server cannot be reached. Check that `descent serve` is running." });
    }
    if (!(await startingUp(response)) || waited > STARTUP_WAIT_S) break;
    const pause = Number(response.headers.get("Retry-After")) || 1;
    await new Promise((resolve) => setTimeout(resolve, pause * 1000));
    waited += pause;
  }
  if (response.status === 401 && auth.token) auth.clear();  // expired or revoked token
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

let featuresPromise;

/** The OpenAPI document, once the server is ready (it answers 503 while it starts). */
async function openapi() {
  for (let waited = 0; waited <= STARTUP_WAIT_S; waited += 1) {
    const response = await fetch("/openapi.json");
    if (response.ok) return response.json();
    if (response.status !== 503) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { paths: {} };
}

/** Where "Run in the demo" leaves the learner's code for the demo page (sessionStorage). */
export function customKey(exercise) {
  return `descent.custom.${exercise}`;
}

/** A fresh Idempotency-Key (128 random bits): one per submission, so that a request sent twice
 * is graded and stored once. */
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Which optional parts of the API this server has (read from its OpenAPI document). */
export function features() {
  featuresPromise ??= openapi()
    .then((doc) => {
      const paths = Object.keys(doc.paths || {});
      const caseResult = doc.components?.schemas?.CaseResult?.properties || {};
      return {
        demos: paths.includes(`${API}/demos`),
        ask: paths.includes(`${API}/ask`),
        printedOutput: "stdout" in caseResult,  // the code judge reports what a case printed
      };
    })
    .catch(() => ({ demos: false, ask: false, printedOutput: false }));
  return featuresPromise;
}

const rendered = new Map();

/** Render texts with $…$ maths (feedback, explanations) to HTML with MathML, on the server. */
export async function renderTexts(texts) {
  const missing = [...new Set(texts.filter((t) => t && !rendered.has(t)))];
  for (let i = 0; i < missing.length; i += 100) {
    const chunk = missing.slice(i, i + 100);
    const { html } = await api("/render", { method: "POST", body: { texts: chunk } });
    chunk.forEach((t, j) => rendered.set(t, html[j]));
  }
  return texts.map((t) => (t ? rendered.get(t) : ""));
}

let topicsPromise;

/** Every topic summary, fetched once per page load. */
export function topics() {
  topicsPromise ??= api("/topics?limit=500").then((page) => page.data).catch((err) => {
    topicsPromise = undefined;
    throw err;
  });
  return topicsPromise;
}

let demosPromise;

/** Every demo with its params schema (empty when the server has no demo lab). */
export async function demos() {
  if (!(await features()).demos) return [];
  demosPromise ??= api("/demos").then((page) => page.data).catch((err) => {
    demosPromise = undefined;
    throw err;
  });
  return demosPromise;
}

/** Ask the server to refresh the due-review badge in the header. */
export function refreshDue() {
  window.dispatchEvent(new Event("descent:due"));
}
