import { type ApplyGlobalResponse, type ClientResponse, hc } from "hono/client";
import type { AppType } from "../app";
import type { ErrorBody } from "../errors";

/**
 * The typed HTTP client for other TypeScript programs: hono/client over the
 * worker's own route types, so paths, bodies, queries and responses are
 * checked at compile time. Import types only from the worker: nothing of it
 * is bundled into the caller. Chat streams: see ./events.
 */

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 502 | 503 | 504;
/** Every route can also answer our error body: the client's types say so. */
type Api = ApplyGlobalResponse<AppType, { [S in ErrorStatus]: { json: ErrorBody } }>;

export interface SessionsClientOptions {
  /** The bearer token, or a function giving the current one (called for every request). */
  token: string | (() => string | Promise<string>);
  /** Defaults to the global fetch; pass your own for tests, retries or a Service Binding's fetch. */
  fetch?: typeof fetch;
  /** Sent with every request (an `x-request-id`, say). */
  headers?: Record<string, string>;
}

export function createSessionsClient(baseUrl: string, options: SessionsClientOptions) {
  const { token } = options;
  return hc<Api>(baseUrl, {
    fetch: options.fetch,
    headers: async () => ({
      ...options.headers,
      authorization: `Bearer ${typeof token === "function" ? await token() : token}`,
    }),
  });
}

export type SessionsClient = ReturnType<typeof createSessionsClient>;

/** A response that was not a success, with the service's error body. */
export class SessionsApiError extends Error {
  override name = "SessionsApiError";
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(
    readonly status: number,
    body: unknown,
  ) {
    const error = (body as Partial<ErrorBody> | null)?.error;
    super(error?.message ?? `HTTP ${status}`);
    this.code = error?.code ?? "http_error";
    this.requestId = error?.request_id;
    this.details = error?.details;
  }
}

type Success<R> = R extends ClientResponse<infer T, infer S, "json"> ? (S extends ErrorStatus ? never : T) : never;

/** The body of a successful JSON response, typed; any other status throws a SessionsApiError. */
export async function bodyOf<R extends ClientResponse<unknown, number, string>>(response: R): Promise<Success<R>> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch (err) {
    // Not ours (a proxy's HTML page, say): the status still tells what happened.
    if (response.ok) throw err;
  }
  if (!response.ok) throw new SessionsApiError(response.status, body);
  return body as Success<R>;
}
