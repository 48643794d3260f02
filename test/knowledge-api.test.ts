import { describe, expect, it } from "vitest";
import policy from "../examples/tavmunka-szabalyzat.md?raw";
import { api, chat, freshTenant, loadDocument } from "./helpers";

describe("/api/knowledge/documents", () => {
  it("a tenant admin adds a document (201): split into passages, listed, readable by the tenant's users", async () => {
    const tenant = freshTenant();
    const admin = { tenant, user: 1, role: "admin" as const };
    const res = await api("/api/knowledge/documents", {
      as: admin,
      body: {
        title: "Távmunka szabályzat",
        body: policy,
        source_url: "https://intranet.example/tavmunka",
        tags: ["hr"],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: "Távmunka szabályzat", tags: ["hr"], replaced: false });
    expect(res.body.passage_count).toBeGreaterThanOrEqual(3);

    const user = { tenant, user: 7 };
    const list = await api("/api/knowledge/documents", { as: user });
    expect(list.body.documents.map((d: { id: string }) => d.id)).toEqual([res.body.id]);
    const one = await api(`/api/knowledge/documents/${res.body.id}`, { as: user });
    expect(one.body.body).toBe(policy);
  });

  it("re-posting the same source_url replaces the document and its passages", async () => {
    const tenant = freshTenant();
    const url = "https://intranet.example/policy";
    const first = await loadDocument(tenant, {
      title: "v1",
      body: "A régi szabály: heti egy zöldségnap.",
      source_url: url,
    });
    const again = await api("/api/knowledge/documents", {
      as: { tenant, user: 1, role: "admin" },
      body: { title: "v2", body: "Az új szabály: heti két gyümölcsnap.", source_url: url },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, title: "v2", replaced: true });
    expect((await api("/api/knowledge/documents", { as: { tenant, user: 1 } })).body.documents).toHaveLength(1);
    const old = await chat({ tenant, user: 1 }, "Mi a zöldségnap?");
    expect(old.body.sources).toEqual([]);
    const fresh = await chat({ tenant, user: 1 }, "Mi a gyümölcsnap?");
    expect(fresh.body.sources.map((s: { document_id: string }) => s.document_id)).toEqual([first.id]);
  });

  it("delete removes the document and its passages (204), then 404", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Parkolás", body: "A parkolóház kártyával nyitható." });
    const admin = { tenant, user: 1, role: "admin" as const };
    expect((await api(`/api/knowledge/documents/${doc.id}`, { as: admin, method: "DELETE" })).status).toBe(204);
    expect((await api(`/api/knowledge/documents/${doc.id}`, { as: admin })).status).toBe(404);
    expect((await api(`/api/knowledge/documents/${doc.id}`, { as: admin, method: "DELETE" })).status).toBe(404);
    expect((await chat({ tenant, user: 1 }, "Hogyan nyílik a parkolóház?")).body.sources).toEqual([]);
  });

  it("paginates the list", async () => {
    const tenant = freshTenant();
    for (let i = 0; i < 3; i++) await loadDocument(tenant, { title: `Doc ${i}`, body: `Tartalom ${i}.` });
    const first = await api("/api/knowledge/documents?limit=2", { as: { tenant, user: 1 } });
    expect(first.body.documents).toHaveLength(2);
    const rest = await api(`/api/knowledge/documents?limit=2&cursor=${first.body.next_cursor}`, {
      as: { tenant, user: 1 },
    });
    expect(rest.body.documents).toHaveLength(1);
    expect(rest.body.next_cursor).toBeNull();
  });

  it("only the tenant admin may write: 403 for a user, and nothing is stored", async () => {
    const tenant = freshTenant();
    const user = { tenant, user: 2 };
    const res = await api("/api/knowledge/documents", { as: user, body: { title: "x", body: "y" } });
    expect(res.status).toBe(403);
    expect((await api("/api/knowledge/documents", { as: user })).body.documents).toEqual([]);
  });

  it.each([
    ["a missing title", { body: "x" }, 400],
    ["an empty body", { title: "x", body: "  " }, 400],
    ["a bad source_url", { title: "x", body: "y", source_url: "not a url" }, 400],
    ["too many tags", { title: "x", body: "y", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 400],
    ["a body over 200,000 characters", { title: "x", body: "a".repeat(200_001) }, 413],
  ])("rejects %s", async (_what, body, status) => {
    const tenant = freshTenant();
    const res = await api("/api/knowledge/documents", { as: { tenant, user: 1, role: "admin" }, body });
    expect(res.status).toBe(status);
    expect((await api("/api/knowledge/documents", { as: { tenant, user: 1 } })).body.documents).toEqual([]);
  });
});

describe("tenant isolation of knowledge", () => {
  it("another tenant's documents are invisible in listing, reading, deleting and search", async () => {
    const owner = freshTenant();
    const other = freshTenant();
    const doc = await loadDocument(owner, { title: "Távmunka szabályzat", body: policy });
    const stranger = { tenant: other, user: 1, role: "admin" as const };
    expect((await api("/api/knowledge/documents", { as: stranger })).body.documents).toEqual([]);
    expect((await api(`/api/knowledge/documents/${doc.id}`, { as: stranger })).status).toBe(404);
    expect((await api(`/api/knowledge/documents/${doc.id}`, { as: stranger, method: "DELETE" })).status).toBe(404);
    const answer = await chat({ tenant: other, user: 1 }, "Mi a távmunka szabályzat?");
    expect(answer.body.sources).toEqual([]);
    // Still there for its owner.
    expect((await chat({ tenant: owner, user: 1 }, "Mi a távmunka szabályzat?")).body.sources[0].document_id).toBe(
      doc.id,
    );
  });
});
