import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import OpenAI from "openai";
import { UpstreamAnswerProvider } from "../../src/answer/upstream";
import type { SessionObject } from "../../src/session-object";
import { type Caller, type Json, stubFor, tokenFor } from "../helpers";

/**
 * The official OpenAI SDK as a client of this worker: its base URL is our
 * /v1, its API key the caller's bearer JWT, and its fetch the worker's own
 * handler (nothing leaves the test). SDK retries are off so a test sees
 * each response as the server sent it.
 */
export async function openaiFor(who: Caller, options: { apiKey?: string } = {}): Promise<OpenAI> {
  return new OpenAI({
    apiKey: options.apiKey ?? (await tokenFor(who)),
    baseURL: "http://sessions.test/v1",
    maxRetries: 0,
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });
}

/** What an SDK call threw (the test then asserts its class, status, code and param). */
export async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/**
 * Turns of this session go to an upstream answer service (the provider that
 * ANSWER_URL selects), faked at its HTTP boundary: each request gets the next
 * scripted reply. Returns what the service was sent.
 */
export async function scriptUpstream(sessionId: string, replies: (() => Response)[]): Promise<{ received: Json[] }> {
  const received: Json[] = [];
  const fetcher = (async (_url: RequestInfo | URL, init?: RequestInit) => {
    received.push(JSON.parse(String(init?.body)));
    const next = replies.shift();
    if (!next) throw new Error("no scripted reply left");
    return next();
  }) as typeof fetch;
  const provider = new UpstreamAnswerProvider("https://router.upstream.test/answer", 1_000, undefined, fetcher);
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(() => ({ answers: provider }));
  });
  return { received };
}
