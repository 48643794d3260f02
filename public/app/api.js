// @ts-check
// The page's fetch wrapper for the service's JSON API (same origin). The typed client in src/http-client/ is
// built on hono/client and needs a bundler; the page stays plain ES modules, so this small wrapper speaks the
// same contract: a bearer token on every request, and every non-2xx answer becomes an ApiError carrying the
// service's error body ({error: {code, message, details?, request_id}}).
import { currentToken } from "./auth.js";

export class ApiError extends Error {
  /**
   * @param {number} status 0 when the service could not be reached at all
   * @param {string} code
   * @param {string} message
   * @param {string | undefined} requestId
   * @param {any} details
   */
  constructor(status, code, message, requestId, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }
}

/** @type {(error: ApiError) => void} */
let unauthorized = () => {};
/**
 * What to do on a 401 (the token expired or is not accepted): the page signs out and asks again.
 * @param {(error: ApiError) => void} handler
 */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** @param {Response} response */
export async function errorOf(response) {
  /** @type {any} */
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not the service's JSON (a proxy's page, say): the status still says what happened.
  }
  const e = body?.error;
  const error = new ApiError(
    response.status,
    typeof e?.code === "string" ? e.code : "http_error",
    typeof e?.message === "string" ? e.message : response.statusText || `HTTP ${response.status}`,
    e?.request_id ?? response.headers.get("x-request-id") ?? undefined,
    e?.details,
  );
  if (response.status === 401) unauthorized(error);
  return error;
}

/**
 * @typedef {{ json?: unknown, query?: Record<string, string | number | null | undefined>,
 *   headers?: Record<string, string> }} Options
 */

/**
 * A request to the service; resolves to the Response when it is a 2xx, throws an ApiError otherwise.
 * @param {string} method
 * @param {string} path
 * @param {Options} [options]
 */
export async function send(method, path, options = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${currentToken() ?? ""}`, ...options.headers };
  if (options.json !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
  } catch (err) {
    throw new ApiError(0, "network_error", String(err), undefined, undefined);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/**
 * The same, answering the parsed JSON body (null for a 204).
 * @param {string} method
 * @param {string} path
 * @param {Options} [options]
 * @returns {Promise<any>}
 */
export async function call(method, path, options) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : response.json();
}

/** A fresh Idempotency-Key: each turn sends one, so a retry can repeat it. */
export function newKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
