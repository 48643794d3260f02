import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { splitPassages } from "../src/knowledge/chunk";
import { keyOf } from "../src/text/analyse";
import { api, authHeaders, chat, freshTenant, loadDocument } from "./helpers";

const admin = (tenant: number) => ({ tenant, user: 1, role: "admin" as const });
const sourceIds = (res: { body: { sources: { document_id: string }[] } }) => res.body.sources.map((s) => s.document_id);

/** Index rows (passages) holding one word's key, across all tenants. */
const termHits = async (word: string) =>
  (await env.DB.prepare("SELECT passage_id FROM knowledge_terms WHERE term = ?").bind(keyOf(word, "hu")).all()).results
    .length;

describe("concurrent first uploads of one source_url", () => {
  it("8 parallel posts: 200/201 only, exactly one 201, one document whose passages and index are one body's", async () => {
    const tenant = freshTenant();
    const url = `https://intranet.example/race-${tenant}`;
    const words = Array.from({ length: 8 }, (_, i) => `versenyszó${tenant}x${i}`);
    const bodies = words.map(
      (w, i) => `# Változat ${i}\n\nEz a változat a ${w} kifejezést tartalmazza.\n\nMásodik bekezdés: ${w} ismét.`,
    );
    const headers = { ...(await authHeaders(admin(tenant))), "content-type": "application/json" };
    // D1 runs one query at a time: while this long one runs, all 8 posts queue their first
    // statement, so no post can store its document before the others have looked for it.
    const busy = env.DB.prepare(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT count(*) FROM c",
    ).first();
    const results = await Promise.all(
      bodies.map(async (body, i) => {
        const res = await exports.default.fetch(
          new Request("http://sessions.test/api/knowledge/documents", {
            method: "POST",
            headers,
            body: JSON.stringify({ title: `v${i}`, body, source_url: url }),
          }),
        );
        return { status: res.status, body: (await res.json()) as { id: string; replaced: boolean } };
      }),
    );
    await busy;
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(results.filter((r) => r.body.replaced === false).map((r) => r.status)).toEqual([201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);

    const list = await api("/api/knowledge/documents", { as: admin(tenant) });
    expect(list.body.documents).toHaveLength(1);
    const doc = (await api(`/api/knowledge/documents/${list.body.documents[0].id}`, { as: admin(tenant) })).body;
    const winner = bodies.indexOf(doc.body);
    expect(winner).toBeGreaterThanOrEqual(0);

    const { results: passages } = await env.DB.prepare(
      "SELECT text FROM knowledge_passages WHERE tenant_id = ? ORDER BY position",
    )
      .bind(tenant)
      .all<{ text: string }>();
    expect(passages.map((p) => p.text)).toEqual(splitPassages(bodies[winner] as string));
    expect(doc.passage_count).toBe(passages.length);
    for (const [i, w] of words.entries()) expect(await termHits(w)).toBe(i === winner ? passages.length : 0);
    // The index holds the winner's passages only (no stale or doubled entries), and the tenant's counts agree.
    const indexed = await env.DB.prepare(
      `SELECT count(DISTINCT t.passage_id) AS n, count(p.id) = count(*) AS all_live FROM knowledge_terms t
         LEFT JOIN knowledge_passages p ON p.id = t.passage_id WHERE t.tenant_id = ?`,
    )
      .bind(tenant)
      .first<{ n: number; all_live: number }>();
    expect(indexed).toEqual({ n: passages.length, all_live: 1 });
    const stats = await env.DB.prepare("SELECT passages FROM knowledge_stats WHERE tenant_id = ?").bind(tenant).first();
    expect(stats).toEqual({ passages: passages.length });

    const found = await chat({ tenant, user: 1 }, `Mi a ${words[winner]}?`);
    expect(sourceIds(found)).toEqual([doc.id]);
  });

  it("a later post of the same source_url still replaces it (200, replaced: true, same id, created_at kept)", async () => {
    const tenant = freshTenant();
    const url = "https://intranet.example/kept";
    const first = await api("/api/knowledge/documents", {
      as: admin(tenant),
      body: { title: "a", body: "Első.", source_url: url },
    });
    const again = await api("/api/knowledge/documents", {
      as: admin(tenant),
      body: { title: "b", body: "Második.", source_url: url },
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ id: first.body.id, created_at: first.body.created_at, replaced: true });
    // Documents without a source_url are never merged.
    await loadDocument(tenant, { title: "c", body: "Harmadik." });
    await loadDocument(tenant, { title: "c", body: "Harmadik." });
    expect((await api("/api/knowledge/documents", { as: admin(tenant) })).body.documents).toHaveLength(3);
  });
});

describe("source_url", () => {
  it.each([
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://files.example/policy.pdf",
    "http:intranet.example/x",
  ])("%s → 400 naming source_url, nothing stored", async (source_url) => {
    const tenant = freshTenant();
    const res = await api("/api/knowledge/documents", {
      as: admin(tenant),
      body: { title: "x", body: "y", source_url },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe("source_url");
    expect((await api("/api/knowledge/documents", { as: admin(tenant) })).body.documents).toEqual([]);
  });

  it.each(["http://intranet/policy", "HTTPS://intranet.example/a?b=c#d"])("%s is accepted", async (source_url) => {
    const res = await api("/api/knowledge/documents", {
      as: admin(freshTenant()),
      body: { title: "x", body: "y", source_url },
    });
    expect(res.status).toBe(201);
    expect(res.body.source_url).toBe(source_url);
  });
});

describe("every word is searchable", () => {
  it("a word at the end of a 5,000-character sentence is found", async () => {
    const tenant = freshTenant();
    const filler = "hosszú mondat részlete ".repeat(220); // 5,060 characters, no sentence end
    const body = `${filler}és végül a zuzmóvirág.`;
    expect(body.length).toBeGreaterThan(5_000);
    const doc = await loadDocument(tenant, { title: "Mondat", body });
    expect(sourceIds(await chat({ tenant, user: 1 }, "Mi a zuzmóvirág?"))).toEqual([doc.id]);
  });

  it("a single 3,000-character word is split, not dropped: the word after it is found", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Szó", body: `${"q".repeat(3_000)} kakukkfűolaj` });
    expect(sourceIds(await chat({ tenant, user: 1 }, "Hol a kakukkfűolaj?"))).toEqual([doc.id]);
  });

  it("a decomposed-accent document is found by a precomposed query", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, {
      title: "Szabályzat",
      body: "A ta\u0301vmunka heti ke\u0301t napon engede\u0301lyezett.",
    });
    expect(sourceIds(await chat({ tenant, user: 1 }, "Mi a távmunka?"))).toEqual([doc.id]);
  });

  it("a precomposed document is found by a decomposed query", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Szabályzat", body: "A távmunka heti két napon engedélyezett." });
    expect(sourceIds(await chat({ tenant, user: 1 }, "Mi a ta\u0301vmunka?"))).toEqual([doc.id]);
  });
});
