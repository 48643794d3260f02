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

/** A tenant's knowledge base in D1: documents, passages and their FTS5 index, bound to one tenant. */
export class TenantKnowledge {
  private readonly db;

  constructor(
    private readonly d1: D1Database,
    readonly tenantId: number,
  ) {
    this.db = drizzle(d1);
  }

  /** Adds a document, or replaces the one with the same source_url; one atomic batch. */
  async put(input: DocumentInput): Promise<{ document: KnowledgeDocumentRow; replaced: boolean }> {
    const existing = input.sourceUrl
      ? await this.db
          .select()
          .from(knowledgeDocuments)
          .where(and(eq(knowledgeDocuments.tenantId, this.tenantId), eq(knowledgeDocuments.sourceUrl, input.sourceUrl)))
          .get()
      : undefined;
    const now = new Date().toISOString();
    const passages = splitPassages(input.body);
    const document: KnowledgeDocumentRow = {
      id: existing?.id ?? crypto.randomUUID(),
      tenantId: this.tenantId,
      title: input.title,
      body: input.body,
      sourceUrl: input.sourceUrl ?? null,
      tags: input.tags ?? [],
      passageCount: passages.length,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    const d1 = this.d1;
    await d1.batch([
      ...this.removalStatements(document.id),
      d1
        .prepare(
          `INSERT INTO knowledge_documents
             (id, tenant_id, title, body, source_url, tags, passage_count, created_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
           ON CONFLICT (id) DO UPDATE SET title = ?3, body = ?4, tags = ?6, passage_count = ?7, updated_at = ?9`,
        )
        .bind(
          document.id,
          this.tenantId,
          document.title,
          document.body,
          document.sourceUrl,
          JSON.stringify(document.tags),
          document.passageCount,
          document.createdAt,
          document.updatedAt,
        ),
      ...passages.map((text, position) =>
        d1
          .prepare("INSERT INTO knowledge_passages (tenant_id, document_id, position, text) VALUES (?, ?, ?, ?)")
          .bind(this.tenantId, document.id, position, text),
      ),
      d1
        .prepare(
          "INSERT INTO knowledge_fts (rowid, text) SELECT id, text FROM knowledge_passages WHERE document_id = ?",
        )
        .bind(document.id),
    ]);
    return { document, replaced: existing !== undefined };
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
      ...this.removalStatements(id),
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
    if (unique.length === 0) return [];
    const match = unique.join(" OR ");
    const { results } = await this.d1
      .prepare(
        `SELECT p.id AS passage_id, p.document_id, d.title, d.source_url, p.text,
                snippet(knowledge_fts, 0, '', '', '…', 24) AS snippet, bm25(knowledge_fts) AS score
           FROM knowledge_fts
           JOIN knowledge_passages p ON p.id = knowledge_fts.rowid
           JOIN knowledge_documents d ON d.id = p.document_id
          WHERE knowledge_fts MATCH ?1 AND p.tenant_id = ?2 AND d.tenant_id = ?2
          ORDER BY score
          LIMIT ?3`,
      )
      .bind(match, this.tenantId, limit)
      .all<Passage>();
    return results;
  }

  /** Unindexes and deletes a document's passages (FTS5 external content needs the old text to unindex). */
  private removalStatements(documentId: string): D1PreparedStatement[] {
    return [
      this.d1
        .prepare(
          `INSERT INTO knowledge_fts (knowledge_fts, rowid, text)
           SELECT 'delete', id, text FROM knowledge_passages WHERE tenant_id = ? AND document_id = ?`,
        )
        .bind(this.tenantId, documentId),
      this.d1
        .prepare("DELETE FROM knowledge_passages WHERE tenant_id = ? AND document_id = ?")
        .bind(this.tenantId, documentId),
    ];
  }
}
