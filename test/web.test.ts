import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { api, freshTenant, tokenFor } from "./helpers";

/**
 * The web page's static files come from the assets-only Worker of
 * web/wrangler.toml, which the service hands every GET or HEAD that none of
 * its routes took. API paths never reach it: an unknown one is the API's JSON
 * 404, and no file can shadow a route.
 */
describe("static files behind the service", () => {
  it("GET / is the chat page, with its Content-Security-Policy and a request id", async () => {
    const res = await api<string>("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.body).toContain('<script type="module" src="/app/main.js"></script>');
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("serves the page's modules and stylesheet, and answers HEAD without a body", async () => {
    const js = await api<string>("/app/main.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    const css = await api<string>("/style.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    const head = await exports.default.fetch(new Request("http://sessions.test/style.css", { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("a path with no file, or another method, is the service's JSON 404", async () => {
    for (const [path, method] of [
      ["/no-such-page.html", "GET"],
      ["/", "POST"],
      ["/style.css", "DELETE"],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body, `${method} ${path}`).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it("API paths never reach the static files", async () => {
    // A static-files Worker that has a file at every path, and counts what it is asked for.
    const asked: string[] = [];
    const everywhere = {
      ...env,
      WEB: {
        fetch: (request: Request) => {
          asked.push(new URL(request.url).pathname);
          return Promise.resolve(new Response("a file", { headers: { "content-type": "text/plain" } }));
        },
      } as unknown as Fetcher,
    };
    const token = await tokenFor({ tenant: freshTenant(), user: 1 });
    const auth = { headers: { authorization: `Bearer ${token}` } };
    for (const path of ["/api/style.css", "/api", "/v1/app/main.js", "/v1"]) {
      const res = await app.request(path, auth, everywhere);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
    }
    // Without a token, the API's 401, not a file.
    expect((await app.request("/api/style.css", {}, everywhere)).status).toBe(401);
    expect(asked).toEqual([]);
    // Anything else is the static files' to answer.
    const page = await app.request("/apis.html", {}, everywhere);
    expect(await page.text()).toBe("a file");
    expect(asked).toEqual(["/apis.html"]);
  });

  it("the static files' Worker failing is a JSON 503, not a crash", async () => {
    const broken = {
      ...env,
      WEB: {
        fetch: () => Promise.reject(new Error("web worker down")),
      } as unknown as Fetcher,
    };
    const res = await app.request("/app/main.js", {}, broken);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toMatchObject({ error: { code: "web_unavailable" } });
    expect(JSON.stringify(body)).not.toContain("web worker down");
  });

  it("the page still loads when the configuration is broken (only the API answers 503)", async () => {
    const misconfigured = { ...env, MAX_CONTEXT_MESSAGES: "lots" };
    const page = await app.request("/", {}, misconfigured);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app/main.js"></script>');
    const apiRes = await app.request("/api/sessions", {}, misconfigured);
    expect(apiRes.status).toBe(503);
  });
});
