import { describe, expect, it } from "vitest";
import { SCALAR_SCRIPT } from "../src/openapi/docs-page";
import { api } from "./helpers";

/**
 * GET /docs works offline: the page and everything it references come from
 * this service (Scalar's bundle from the web page's static files, which the
 * worker hands over to the assets-only Worker of web/wrangler.toml).
 */
describe("GET /docs", () => {
  it("is an HTML page for /openapi.json that loads only this worker's own URLs", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html: string = res.body;
    expect(html).toContain(`<script src="${SCALAR_SCRIPT}"></script>`);
    expect(html).toContain('"url":"/openapi.json"');
    // Scalar's default fonts come from its CDN: they are off.
    expect(html).toContain('"withDefaultFonts":false');
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(references.length).toBeGreaterThan(0);
    for (const url of references) expect(url, url).toMatch(/^\/[^/]/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("its script is served by the same origin, from the static files", async () => {
    const res = await api<string>(SCALAR_SCRIPT);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const script = res.body;
    expect(script.length).toBeGreaterThan(1_000_000);
    expect(script).toContain("createApiReference");
  });
});
