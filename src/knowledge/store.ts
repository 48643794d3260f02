import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Keyset, pastKey, toPage } from "../db/keyset";
import { type KnowledgeDocumentRow, knowledgeDocuments } from "../db/schema";
import { INDEX_VERSION, type IndexedDocument, indexDocument } from "./indexing";
import type { Posting, TenantStats } from "./rank";
import { postingsQuery } from "./search-sql";

export interface DocumentInput {
  title: string;
  body: string;
  sourceUrl?: string | null;
  tags?: string[];
}

/** One retrieved passage, with what a citation needs. */
export interface Passage {
  passage_id: number;
  document_id: string;
  title: string;
  source_url: string | null;
  text: string;
  snippet: string;
  /** Relevance, lower is better (the negated ranking score, as bm25 reports it). */
  score: number;
}

/** A stored passage as search returns it, before snippet and score. */
export type StoredPassage = Omit<Passage, "snippet" | "score">;

/** What a search found in the tenant's own index. */
export interface Postings {
  stats: TenantStats;
  hits: Posting[];
}

/**
 * Tenants whose knowledge base was empty when last searched, and until when
 * this isolate takes that as still true: their turns skip the D1 read. A
 * document added meanwhile is found once this lapses (at most
 * EMPTY_TENANT_TTL_MS), at once by this isolate.
 */
const emptyUntil = new Map<number, number>();
const EMPTY_TENANT_TTL_MS = 10_000;
/** Documents of an older analyser reindexed by one search at most (the next search does more). */
const REINDEX_BATCH = 20;

/** A tenant's knowledge base in D1: documents, passages and their terms, bound to one tenant. */
export class TenantKnowledge {
  private readonly db;

  constructor(
    private readonly d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /**
   * Adds a document, or replaces the one with the same source_url: one atomic
   * batch whose upsert on (tenant_id, source_url) decides which, so concurrent
   * first posts of one source_url cannot both insert. The passages statements
   * address the document through that resolved row, never a value read earlier.
   */
  async put(input: DocumentInput): Promise<{ document: KnowledgeDocumentRow; replaced: boolean }> {
    emptyUntil.delete(this.tenantId);
    const now = new Date().toISOString();
    const indexed = indexDocument(input.title, input.body);
    const newId = crypto.randomUUID();
    const sourceUrl = input.sourceUrl ?? null;
    const tags = input.tags ?? [];
    const count = indexed.passages.length;
    // ?1 is the tenant; ?2 the source_url (or, with none, the new id) the document is found by.
    const ref = sourceUrl ? "(SELECT id FROM knowledge_documents WHERE tenant_id = ?1 AND source_url = ?2)" : "?2";
    const [upserted] = await this.d1.batch<{ id: string; created_at: string }>([
      this.d1
        .prepare(
          `INSERT INTO knowledge_documents
             (id, tenant_id, title, body, source_url, tags, passage_count, index_version, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
           ON CONFLICT (tenant_id, source_url) DO UPDATE SET
             title = excluded.title, body = excluded.body, tags = excluded.tags, passage_count = excluded.passage_count,
             index_version = excluded.index_version, updated_at = excluded.updated_at
           RETURNING id, created_at`,
        )
        .bind(
          newId,
          this.tenantId,
          input.title,
          input.body,
          sourceUrl,
          JSON.stringify(tags),
          count,
          INDEX_VERSION,
          now,
        ),
      ...this.indexStatements(ref, [this.tenantId, sourceUrl ?? newId], indexed),
    ]);
    const row = upserted?.results[0];
    if (!row) throw new Error("knowledge document upsert returned no row");
    const document: KnowledgeDocumentRow = {
      id: row.id,
      tenantId: this.tenantId,
      title: input.title,
      body: input.body,
      sourceUrl,
      tags,
      passageCount: count,
      indexVersion: INDEX_VERSION,
      createdAt: row.created_at,
      updatedAt: now,
    };
    return { document, replaced: row.id !== newId };
  }

  async get(id: string): Promise<KnowledgeDocumentRow | undefined> {
    return this.db
      .select()
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.tenantId, this.tenantId), eq(knowledgeDocuments.id, id)))
      .get();
  }

  async list(limit: number, cursor?: Keyset): Promise<{ rows: KnowledgeDocumentRow[]; next?: Keyset }> {
    const rows = await this.db
      .select()
      .from(knowledgeDocuments)
      .where(
        and(
          eq(knowledgeDocuments.tenantId, this.tenantId),
          pastKey(knowledgeDocuments.updatedAt, knowledgeDocuments.id, cursor, "desc"),
        ),
      )
      .orderBy(desc(knowledgeDocuments.updatedAt), desc(knowledgeDocuments.id))
      .limit(limit + 1)
      .all();
    return toPage(rows, limit, (r) => ({ at: r.updatedAt, id: r.id }));
  }

  /** Removes the document, its passages and their terms; false if the tenant has no such document. */
  async delete(id: string): Promise<boolean> {
    if (!(await this.get(id))) return false;
    const args = [this.tenantId, id];
    await this.d1.batch([
      ...this.removalStatements("?2", args),
      this.d1.prepare("DELETE FROM knowledge_documents WHERE tenant_id = ?1 AND id = ?2").bind(...args),
      this.statsStatement(),
    ]);
    return true;
  }

  /** A document's passages, by its id or its source_url (what its vectors are named and embedded from). */
  async passagesOf(by: { id: string } | { sourceUrl: string }): Promise<{ id: number; text: string }[]> {
    const document =
      "id" in by ? "?2" : "(SELECT id FROM knowledge_documents WHERE tenant_id = ?1 AND source_url = ?2)";
    const { results } = await this.d1
      .prepare(
        `SELECT id, text FROM knowledge_passages WHERE tenant_id = ?1 AND document_id = ${document} ORDER BY position`,
      )
      .bind(this.tenantId, "id" in by ? by.id : by.sourceUrl)
      .all<{ id: number; text: string }>();
    return results;
  }

  /**
   * The tenant's postings for the lookups (see lookupsFor) and its statistics,
   * in one query over the tenant's own rows; null when the tenant has no
   * document. Documents of an older analyser are reindexed first.
   */
  async postings(lookups: { exact: string[]; prefix: string[]; suffix: string[] }): Promise<Postings | null> {
    if ((emptyUntil.get(this.tenantId) ?? 0) > Date.now()) return null;
    for (let attempt = 0; attempt < 2; attempt++) {
      const { results } = await this.d1
        .prepare(postingsQuery)
        .bind(
          this.tenantId,
          JSON.stringify(lookups.exact),
          JSON.stringify(lookups.prefix),
          JSON.stringify(lookups.suffix),
          INDEX_VERSION,
        )
        .all<Posting & { kind: "stats" | "stale" | "hit" }>();
      const statsRow = results.find((r) => r.kind === "stats");
      if (results.some((r) => r.kind === "stale") && attempt === 0) {
        await this.reindexStale();
        continue;
      }
      if (!statsRow || statsRow.passage_id === 0) {
        emptyUntil.set(this.tenantId, Date.now() + EMPTY_TENANT_TTL_MS);
        return null;
      }
      emptyUntil.delete(this.tenantId);
      const stats = { passages: statsRow.passage_id, totalLength: statsRow.body_count };
      const seen = new Set<string>();
      const hits = results.filter((r) => {
        const key = `${r.term}\u0000${r.passage_id}`;
        if (r.kind !== "hit" || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return { stats, hits };
    }
    return null;
  }

  /** The tenant's passages of these ids, with their documents' titles and links. */
  async passages(ids: number[]): Promise<StoredPassage[]> {
    if (ids.length === 0) return [];
    const { results } = await this.d1
      .prepare(
        `SELECT p.id AS passage_id, p.document_id, d.title, d.source_url, p.text
           FROM json_each(?2) e
           CROSS JOIN knowledge_passages p ON p.id = e.value AND p.tenant_id = ?1
           JOIN knowledge_documents d ON d.id = p.document_id AND d.tenant_id = ?1`,
      )
      .bind(this.tenantId, JSON.stringify(ids))
      .all<StoredPassage>();
    return results;
  }

  /** Reindexes (from their bodies) documents indexed by an older analyser; how many it did. */
  async reindexStale(): Promise<number> {
    const { results } = await this.d1
      .prepare("SELECT id, title, body FROM knowledge_documents WHERE tenant_id = ?1 AND index_version < ?2 LIMIT ?3")
      .bind(this.tenantId, INDEX_VERSION, REINDEX_BATCH)
      .all<{ id: string; title: string; body: string }>();
    for (const doc of results) {
      const indexed = indexDocument(doc.title, doc.body);
      await this.d1.batch([
        this.d1
          .prepare(
            "UPDATE knowledge_documents SET passage_count = ?3, index_version = ?4 WHERE tenant_id = ?1 AND id = ?2",
          )
          .bind(this.tenantId, doc.id, indexed.passages.length, INDEX_VERSION),
        ...this.indexStatements("?2", [this.tenantId, doc.id], indexed),
      ]);
    }
    return results.length;
  }

  /**
   * Replaces a document's passages and terms with `indexed`, then the tenant's
   * statistics. `ref` is SQL naming the document, over ?1 (the tenant) and ?2.
   */
  private indexStatements(ref: string, args: unknown[], indexed: IndexedDocument): D1PreparedStatement[] {
    const d1 = this.d1;
    return [
      ...this.removalStatements(ref, args),
      d1
        .prepare(
          `INSERT INTO knowledge_passages (tenant_id, document_id, position, text, length)
           SELECT ?1, ${ref}, CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]')
             FROM json_each(?3) ORDER BY key`,
        )
        .bind(...args, JSON.stringify(indexed.passages.map((p) => [p.text, p.length]))),
      d1
        .prepare(
          `INSERT INTO knowledge_terms (tenant_id, term, passage_id, reversed, document_id, body_count, in_heading,
                                        in_title, passage_length)
           SELECT ?1, json_extract(t.value, '$[0]'), p.id, json_extract(t.value, '$[1]'), p.document_id,
                  json_extract(t.value, '$[2]'), json_extract(t.value, '$[3]'), json_extract(t.value, '$[4]'), p.length
             FROM json_each(?3) e
             CROSS JOIN knowledge_passages p
             CROSS JOIN json_each(e.value) t
            WHERE p.document_id = ${ref} AND p.position = e.key AND +p.tenant_id = ?1`,
        )
        .bind(...args, JSON.stringify(indexed.passages.map((p) => p.terms))),
      this.statsStatement(),
    ];
  }

  /** Deletes a document's terms and passages. `ref` is SQL naming the document, over ?1 (the tenant) and ?2. */
  private removalStatements(ref: string, args: unknown[]): D1PreparedStatement[] {
    return [
      this.d1.prepare(`DELETE FROM knowledge_terms WHERE document_id = ${ref} AND tenant_id = ?1`).bind(...args),
      this.d1.prepare(`DELETE FROM knowledge_passages WHERE tenant_id = ?1 AND document_id = ${ref}`).bind(...args),
    ];
  }

  /** The tenant's statistics, recounted from its own passages (an index-only scan), after a change. */
  private statsStatement(): D1PreparedStatement {
    return this.d1
      .prepare(
        `INSERT INTO knowledge_stats (tenant_id, passages, total_length)
         SELECT ?1, count(*), coalesce(sum(length), 0) FROM knowledge_passages WHERE tenant_id = ?1
         ON CONFLICT (tenant_id) DO UPDATE SET passages = excluded.passages, total_length = excluded.total_length`,
      )
      .bind(this.tenantId);
  }
}
