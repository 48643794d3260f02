import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import remote from "../examples/tavmunka-szabalyzat.md?raw";
import { fuse, retrieve } from "../src/knowledge/retrieve";
import { TenantKnowledge } from "../src/knowledge/store";
import { type EmbeddingRunner, SemanticIndex, type VectorIndex } from "../src/knowledge/vectors";
import worker from "../src/worker";
import { captureLogs, freshTenant, type Json, tokenFor } from "./helpers";

afterEach(() => vi.restoreAllMocks());

/**
 * A stand-in for a multilingual embedding model at Workers AI's real shape
 * (run(model, {text: [...]}) → {shape: [n, dims], data: number[][]}): each
 * dimension is a concept, counted by the words that express it in either language.
 */
const CONCEPTS: string[][] = [
  ["internet", "költség", "térítés", "fizet", "pays", "cost", "allowance"],
  ["otthon", "home", "távmunka", "remote"],
  ["vpn", "wifi", "adat", "data"],
  ["nap", "hetente", "havonta", "days"],
  ["munkavédelem", "kérdőív", "safety"],
];
function fakeAi(fail = false) {
  const calls: { model: string; text: string[] }[] = [];
  const ai: EmbeddingRunner = {
    async run(model, input) {
      calls.push({ model, text: input.text });
      if (fail) throw new Error("3040: capacity exceeded");
      const data = input.text.map((t) => {
        const lower = t.toLowerCase();
        const v = CONCEPTS.map((words) => words.filter((w) => lower.includes(w)).length + 0.01);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
      return { shape: [data.length, CONCEPTS.length], data, pooling: "cls" };
    },
  };
  return { ai, calls };
}

/** Vectorize at its real shape: namespaces, upsert / query (cosine) / deleteByIds, mutations answered with ids. */
function fakeVectorize() {
  const spaces = new Map<string, Map<string, number[]>>();
  const queried: string[] = [];
  const index: VectorIndex = {
    async upsert(vectors) {
      for (const v of vectors) {
        const space = spaces.get(v.namespace ?? "") ?? new Map();
        space.set(v.id, v.values);
        spaces.set(v.namespace ?? "", space);
      }
      return { mutationId: crypto.randomUUID() };
    },
    async query(vector, options) {
      queried.push(options.namespace);
      const dot = (a: number[]) => a.reduce((s, x, i) => s + x * (vector[i] ?? 0), 0);
      const matches = [...(spaces.get(options.namespace) ?? new Map<string, number[]>()).entries()]
        .map(([id, values]) => ({ id, score: dot(values) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, options.topK);
      return { matches, count: matches.length };
    },
    async deleteByIds(ids) {
      for (const space of spaces.values()) for (const id of ids) space.delete(id);
      return { mutationId: crypto.randomUUID() };
    },
  };
  const ids = (namespace: string) => [...(spaces.get(namespace)?.keys() ?? [])].sort((a, b) => Number(a) - Number(b));
  return { index, spaces, queried, ids };
}

/** One request through the worker's own fetch, with the `ai` environment's two bindings faked. */
async function withBindings(bindings: { AI: EmbeddingRunner; KNOWLEDGE_VECTORS: VectorIndex }) {
  const aiEnv = { ...env, ...bindings } as unknown as Env;
  return async (tenant: number, method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const token = await tokenFor({ tenant, user: 1, role: "admin" });
    const res = await worker.fetch(
      new Request(`http://sessions.test${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      aiEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Json };
  };
}

const passageIds = async (documentId: string) =>
  (
    await env.DB.prepare("SELECT id FROM knowledge_passages WHERE document_id = ? ORDER BY id")
      .bind(documentId)
      .all<{ id: number }>()
  ).results.map((r) => String(r.id));

describe("documents in the semantic index (the ai environment)", () => {
  it("are embedded on upload into their tenant's namespace, re-embedded on replace, removed on delete", async () => {
    const { ai, calls } = fakeAi();
    const vectors = fakeVectorize();
    const send = await withBindings({ AI: ai, KNOWLEDGE_VECTORS: vectors.index });
    const tenant = freshTenant();
    const url = "https://intranet.example/tavmunka";
    const doc = { title: "Távmunka szabályzat", body: remote, source_url: url };

    const created = await send(tenant, "POST", "/api/knowledge/documents", doc);
    expect(created.status).toBe(201);
    const first = await passageIds(created.body.id);
    expect(first).toHaveLength(created.body.passage_count);
    expect(vectors.ids(`tenant-${tenant}`)).toEqual(first);
    expect(calls[0]?.model).toBe("@cf/baai/bge-m3");
    expect(calls[0]?.text[0]).toMatch(/^Távmunka szabályzat\n\n# Távmunka/);

    const replaced = await send(tenant, "POST", "/api/knowledge/documents", {
      ...doc,
      body: `${remote}\n\nÚj bekezdés.`,
    });
    expect(replaced.body.replaced).toBe(true);
    const second = await passageIds(created.body.id);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(vectors.ids(`tenant-${tenant}`)).toEqual(second);

    expect((await send(tenant, "DELETE", `/api/knowledge/documents/${created.body.id}`)).status).toBe(204);
    expect(vectors.ids(`tenant-${tenant}`)).toEqual([]);
  });

  it("a failing embedding model leaves the document stored and found lexically, and says so in the log", async () => {
    const logs = captureLogs();
    const send = await withBindings({ AI: fakeAi(true).ai, KNOWLEDGE_VECTORS: fakeVectorize().index });
    const tenant = freshTenant();
    const created = await send(tenant, "POST", "/api/knowledge/documents", { title: "Távmunka", body: remote });
    expect(created.status).toBe(201);
    expect(logs.parsed().find((l) => l.event === "knowledge_vectors_failed")).toMatchObject({
      tenant_id: tenant,
      document_id: created.body.id,
      step: "embed",
    });
    const { passages } = await retrieve(new TenantKnowledge(env.DB, tenant), "home office nap", [], []);
    expect(passages.length).toBeGreaterThan(0);
  });
});

describe("semantic retrieval fused with the lexical ranking", () => {
  async function tenantWithPolicy() {
    const { ai } = fakeAi();
    const vectors = fakeVectorize();
    const send = await withBindings({ AI: ai, KNOWLEDGE_VECTORS: vectors.index });
    const tenant = freshTenant();
    const doc = await send(tenant, "POST", "/api/knowledge/documents", { title: "Távmunka szabályzat", body: remote });
    return { tenant, doc: doc.body, vectors, semantic: new SemanticIndex(ai, vectors.index, "@cf/baai/bge-m3") };
  }

  it("finds by meaning what no word of the question names: who pays for home internet → the cost allowance", async () => {
    const { tenant, vectors, semantic } = await tenantWithPolicy();
    const kb = new TenantKnowledge(env.DB, tenant);
    const question = "Ki fizeti az internetet otthon?";
    expect((await retrieve(kb, question, [], [])).passages).toEqual([]);
    const { passages } = await retrieve(kb, question, [], [], semantic);
    expect(passages[0]?.text).toContain("havi 15 000 forint átalány költségtérítésre");
    expect(vectors.queried).toEqual([`tenant-${tenant}`]);
  });

  it("a passage both rankings find comes first, and what the index returns of another tenant is never cited", async () => {
    const { tenant, semantic } = await tenantWithPolicy();
    const other = await tenantWithPolicy();
    const kb = new TenantKnowledge(env.DB, tenant);
    const { passages } = await retrieve(kb, "Mennyi home office nap engedélyezett havonta?", [], [], semantic);
    expect(passages[0]?.text).toContain("legfeljebb nyolc home office nap");
    // An index that ignored namespaces: D1 is the record, and holds the passage for its own tenant only.
    const leaky = new SemanticIndex(fakeAi().ai, other.vectors.index, "@cf/baai/bge-m3");
    vi.spyOn(leaky, "search").mockImplementation(async () =>
      (await passageIds(other.doc.id)).map((id) => ({ passageId: Number(id), score: 0.99 })),
    );
    const foreign = await retrieve(kb, "Ki fizeti az internetet otthon?", [], [], leaky);
    expect(foreign.passages).toEqual([]);
  });

  it("when the semantic index fails, lexical retrieval still answers", async () => {
    const logs = captureLogs();
    const { tenant } = await tenantWithPolicy();
    const broken = new SemanticIndex(fakeAi(true).ai, fakeVectorize().index, "@cf/baai/bge-m3");
    const kb = new TenantKnowledge(env.DB, tenant);
    const { passages } = await retrieve(kb, "Mennyi home office nap engedélyezett?", [], [], broken);
    expect(passages.length).toBeGreaterThan(0);
    expect(logs.parsed().some((l) => l.event === "semantic_search_failed")).toBe(true);
  });

  it("reciprocal rank fusion: agreement beats one list's first place", () => {
    expect(
      fuse([
        [1, 2, 3],
        [3, 4],
      ]),
    ).toEqual([3, 1, 2, 4]);
    expect(fuse([[], [7, 8]])).toEqual([7, 8]);
  });
});
