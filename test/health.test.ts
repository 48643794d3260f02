import { describe, expect, it } from "vitest";
import { api, type Json } from "./helpers";

describe("GET /health", () => {
  it("is open and answers ok", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await api("/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("a missing secret or a bad setting", () => {
  const call = async (path: string, overrides: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const { default: worker } = await import("../src/worker");
    const { createExecutionContext } = await import("cloudflare:test");
    const { env } = await import("cloudflare:workers");
    const res = await worker.fetch(
      new Request(`http://sessions.test${path}`, { headers }),
      { ...env, ...overrides } as Env,
      createExecutionContext(),
    );
    return { status: res.status, body: (await res.json()) as Json };
  };

  it.each(["JWT_SECRET", "SESSION_ID_SECRET"])("without %s, /health is a 503 naming it", async (name) => {
    const res = await call("/health", { [name]: undefined });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "misconfigured", problems: [`${name} is not set`] });
  });

  it("a bad [vars] value is named by /health, and the API answers 503, not 500", async () => {
    const health = await call("/health", { MAX_CONTEXT_MESSAGES: "lots" });
    expect(health.status).toBe(503);
    expect(health.body.problems[0]).toMatch(/MAX_CONTEXT_MESSAGES/);
    const apiRes = await call("/api/sessions", { MAX_CONTEXT_MESSAGES: "lots" });
    expect(apiRes.status).toBe(503);
    expect(apiRes.body.error).toMatchObject({ code: "server_misconfigured" });
    expect(apiRes.body.error.message).toMatch(/MAX_CONTEXT_MESSAGES/);
  });

  it("without JWT_SECRET the API answers 503 server_misconfigured naming it", async () => {
    const res = await call("/api/sessions", { JWT_SECRET: undefined }, { authorization: "Bearer x.y.z" });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: "server_misconfigured", message: "JWT_SECRET is not set" });
  });
});
