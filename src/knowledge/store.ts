import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Keyset, pastKey, toPage } from "../db/keyset";
import { type KnowledgeDocumentRow, knowledgeDocuments } from "../db/schema";
import { splitPassages } from "./chunk";

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
  /** bm25: lower is better. */
  score: number;
}

/**
 * A term as an FTS5 prefix phrase of its words (NFC, as the passages were
 * indexed). Only letters, digits and marks reach FTS5, so no quote, operator,
 * NUL or lone surrogate in user text can make the query invalid.
 */
function ftsPhrase(term: string): string | undefined {
  const words = term.normalize("NFC").match(/[\p{L}\p{N}\p{M}]+/gu);
  return words ? `"${words.join(" ")}"*` : undefined;
}

/**
 * Tenants whose knowledge base was empty when last searched, and until when
 * this isolate takes that as still true: their turns skip the D1 read. A
 * document added meanwhile is found once this lapses (at most
 * EMPTY_TENANT_TTL_MS), at once by this isolate.
 */
const emptyUntil = new Map<number, number>();
const EMPTY_TENANT_TTL_MS = 10_000;

/** A tenant's knowledge base in D1: documents, passages and their FTS5 index, bound to one tenant. */
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
    const passages = splitPassages(input.body);
    const newId = crypto.randomUUID();
    const sourceUrl = input.sourceUrl ?? null;
    const tags = input.tags ?? [];
    // ?1 is the tenant; ?2 the source_url (or, with none, the new id) the document is found by.
    const ref = sourceUrl ? "(SELECT id FROM knowledge_documents WHERE tenant_id = ?1 AND source_url = ?2)" : "?2";
    const refArgs = [this.tenantId, sourceUrl ?? newId];
    const d1 = this.d1;
    const [upserted] = await d1.batch<{ id: string; created_at: string }>([
      d1
        .prepare(
          `INSERT INTO knowledge_documents
             (id, tenant_id, title, body, source_url, tags, passage_count, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
           ON CONFLICT (tenant_id, source_url) DO UPDATE SET
             title = excluded.title, body = excluded.body, tags = excluded.tags,
             passage_count = excluded.passage_count, updated_at = excluded.updated_at
           RETURNING id, created_at`,
        )
        .bind(newId, this.tenantId, input.title, input.body, sourceUrl, JSON.stringify(tags), passages.length, now),
      ...this.removalStatements(ref, refArgs),
      d1
        .prepare(
          `INSERT INTO knowledge_passages (tenant_id, document_id, position, text)
           SELECT ?1, ${ref}, CAST(key AS INTEGER), value FROM json_each(?3) ORDER BY key`,
        )
        .bind(...refArgs, JSON.stringify(passages)),
      d1
        .prepare(
          `INSERT INTO knowledge_fts (rowid, text)
           SELECT id, text FROM knowledge_passages WHERE tenant_id = ?1 AND document_id = ${ref}`,
        )
        .bind(...refArgs),
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
      passageCount: passages.length,
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

  /** Removes the document, its passages and their index entries; false if the tenant has no such document. */
  async delete(id: string): Promise<boolean> {
    if (!(await this.get(id))) return false;
    await this.d1.batch([
      ...this.removalStatements("?2", [this.tenantId, id]),
      this.d1.prepare("DELETE FROM knowledge_documents WHERE tenant_id = ? AND id = ?").bind(this.tenantId, id),
    ]);
    return true;
  }

  /**
   * Passages matching any of the terms (prefix match, diacritics-insensitive),
   * best first. Any string is a safe term: see ftsPhrase.
   */
  async search(terms: string[], limit: number): Promise<Passage[]> {
    const phrases = terms.map(ftsPhrase).filter((p): p is string => p !== undefined);
    const unique = [...new Set(phrases)].slice(0, 24);
    if (unique.length === 0 || (emptyUntil.get(this.tenantId) ?? 0) > Date.now()) return [];
    const match = unique.join(" OR ");
    // One query: the hits, plus one all-NULL row when the tenant has no documents at all.
    const { results } = await this.d1
      .prepare(
        `SELECT * FROM (
           SELECT p.id AS passage_id, p.document_id, d.title, d.source_url, p.text,
                  snippet(knowledge_fts, 0, '', '', '…', 24) AS snippet, bm25(knowledge_fts) AS score
             FROM knowledge_fts
             JOIN knowledge_passages p ON p.id = knowledge_fts.rowid
             JOIN knowledge_documents d ON d.id = p.document_id
            WHERE knowledge_fts MATCH ?1 AND p.tenant_id = ?2 AND d.tenant_id = ?2
            ORDER BY score
            LIMIT ?3)
         UNION ALL
         SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL
          WHERE NOT EXISTS (SELECT 1 FROM knowledge_documents WHERE tenant_id = ?2)`,
      )
      .bind(match, this.tenantId, limit)
      .all<Passage | { passage_id: null }>();
    const hits = results.filter((r): r is Passage => r.passage_id !== null);
    if (hits.length < results.length) emptyUntil.set(this.tenantId, Date.now() + EMPTY_TENANT_TTL_MS);
    else emptyUntil.delete(this.tenantId);
    return hits;
  }

  /**
   * Unindexes and deletes a document's passages (FTS5 external content needs
   * the old text to unindex). `ref` is SQL naming the document, over ?1 (the
   * tenant) and ?2.
   */
  private removalStatements(ref: string, args: unknown[]): D1PreparedStatement[] {
    return [
      this.d1
        .prepare(
          `INSERT INTO knowledge_fts (knowledge_fts, rowid, text)
           SELECT 'delete', id, text FROM knowledge_passages WHERE tenant_id = ?1 AND document_id = ${ref}`,
        )
        .bind(...args),
      this.d1.prepare(`DELETE FROM knowledge_passages WHERE tenant_id = ?1 AND document_id = ${ref}`).bind(...args),
    ];
  }
}
