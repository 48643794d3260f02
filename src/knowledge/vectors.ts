import { getConfig } from "../config";

/** The part of the Workers AI binding embeddings use: run(model, {text: [...]}) → {shape, data}. */
export interface EmbeddingRunner {
  run(model: string, input: { text: string[]; truncate_inputs?: boolean }): Promise<unknown>;
}

/** The part of a Vectorize index binding we use, at its real shape. */
export interface VectorIndex {
  upsert(vectors: { id: string; values: number[]; namespace?: string }[]): Promise<unknown>;
  query(
    vector: number[],
    options: { topK: number; namespace: string; returnValues?: boolean; returnMetadata?: boolean | "none" },
  ): Promise<{ matches: { id: string; score: number }[]; count: number }>;
  deleteByIds(ids: string[]): Promise<unknown>;
}

/** A passage found by meaning: its id and cosine similarity to the question. */
export interface SemanticHit {
  passageId: number;
  score: number;
}

/** Workers AI embeds at most this many texts a call. */
const EMBED_BATCH = 50;
/** Vectorize takes at most this many vectors an upsert, and ids a delete. */
const VECTORIZE_BATCH = 500;

/** One namespace per tenant: a query only ever sees its own tenant's vectors. */
export const namespaceOf = (tenantId: number) => `tenant-${tenantId}`;

/**
 * Semantic retrieval: passages embedded with a multilingual model (bge-m3,
 * 1024 dimensions, cosine) into Vectorize, one namespace per tenant. Vector
 * ids are passage ids (unique across tenants); D1 stays the record, so a
 * vector whose passage is gone is simply not found there.
 */
export class SemanticIndex {
  constructor(
    private readonly ai: EmbeddingRunner,
    private readonly index: VectorIndex,
    private readonly model: string,
  ) {}

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      const batch = texts.slice(i, i + EMBED_BATCH);
      const result = (await this.ai.run(this.model, { text: batch, truncate_inputs: true })) as { data?: unknown };
      const data = result?.data;
      if (!Array.isArray(data) || data.length !== batch.length) {
        throw new Error(
          `embedding model returned ${Array.isArray(data) ? data.length : "no"} vectors for ${batch.length}`,
        );
      }
      vectors.push(...(data as number[][]));
    }
    return vectors;
  }

  /** Embeds a document's passages (title first, for context) into the tenant's namespace. */
  async add(tenantId: number, title: string, passages: { id: number; text: string }[]): Promise<void> {
    const vectors = await this.embed(passages.map((p) => `${title}\n\n${p.text}`));
    const namespace = namespaceOf(tenantId);
    const records = passages.map((p, i) => ({ id: String(p.id), values: vectors[i] as number[], namespace }));
    for (let i = 0; i < records.length; i += VECTORIZE_BATCH) {
      await this.index.upsert(records.slice(i, i + VECTORIZE_BATCH));
    }
  }

  async remove(passageIds: number[]): Promise<void> {
    for (let i = 0; i < passageIds.length; i += VECTORIZE_BATCH) {
      await this.index.deleteByIds(passageIds.slice(i, i + VECTORIZE_BATCH).map(String));
    }
  }

  /** The tenant's passages nearest the question, best first. */
  async search(tenantId: number, query: string, topK: number): Promise<SemanticHit[]> {
    const [vector] = await this.embed([query]);
    if (!vector) return [];
    const { matches } = await this.index.query(vector, {
      topK,
      namespace: namespaceOf(tenantId),
      returnMetadata: "none",
    });
    return matches
      .map((m) => ({ passageId: Number(m.id), score: m.score }))
      .filter((m) => Number.isSafeInteger(m.passageId));
  }
}

/**
 * Semantic retrieval where the platform has it: both the AI binding and the
 * Vectorize index (the `ai` environment). The generated binding types do not
 * accept a model name from config, hence the casts to the shapes we call.
 */
export function semanticIndexFor(env: Env): SemanticIndex | null {
  if (!env.AI || !env.KNOWLEDGE_VECTORS) return null;
  return new SemanticIndex(
    env.AI as unknown as EmbeddingRunner,
    env.KNOWLEDGE_VECTORS as unknown as VectorIndex,
    getConfig(env).AI_EMBEDDING_MODEL,
  );
}
