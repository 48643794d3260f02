import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantKnowledge } from "../src/knowledge/store";
import { chat, freshTenant, loadDocument } from "./helpers";

afterEach(() => vi.restoreAllMocks());

describe("a tenant without knowledge costs its turns no D1 read", () => {
  it("after one search finds the tenant empty, the next ones do not query D1; a new document ends that", async () => {
    const tenant = freshTenant();
    const kb = new TenantKnowledge(env.DB, tenant);
    const prepare = vi.spyOn(env.DB, "prepare");
    expect(await kb.search(["távmunka"], 5)).toEqual([]);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(await kb.search(["home", "office"], 5)).toEqual([]);
    expect(prepare).toHaveBeenCalledTimes(1);

    await kb.put({ title: "Távmunka", body: "A távmunka heti két nap." });
    const found = await kb.search(["távmunka"], 5);
    expect(found.map((p) => p.title)).toEqual(["Távmunka"]);
  });

  it("a tenant that has documents is always searched, even when a query matches nothing", async () => {
    const tenant = freshTenant();
    await loadDocument(tenant, { title: "Szabadság", body: "Évente 25 nap szabadság jár." });
    const kb = new TenantKnowledge(env.DB, tenant);
    expect(await kb.search(["kantin"], 5)).toEqual([]);
    const prepare = vi.spyOn(env.DB, "prepare");
    expect((await kb.search(["szabadság"], 5)).length).toBe(1);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it("turns of an empty tenant still answer plainly", async () => {
    const res = await chat({ tenant: freshTenant(), user: 1 }, "Mi a távmunka szabályzat?");
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual([]);
  });
});
