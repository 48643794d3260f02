import type { Keyset } from "../db/keyset";
import type { KnowledgeDocumentRow } from "../db/schema";
import { errorText, log } from "../lib/log";
import { type DocumentInput, TenantKnowledge } from "./store";
import { type SemanticIndex, semanticIndexFor } from "./vectors";

/**
 * A tenant's knowledge base as the routes change it: the D1 store (the
 * record, and lexical search) and, where the platform has it, the semantic
 * index, kept in step: a document is embedded when it is stored and its
 * vectors removed when it is replaced or deleted. D1 is written first; an
 * embedding failure is logged and leaves the document found lexically.
 */
export class KnowledgeBase {
  readonly store: TenantKnowledge;
  readonly semantic: SemanticIndex | null;

  constructor(
    env: Env,
    readonly tenantId: number,
  ) {
    this.store = new TenantKnowledge(env.DB, tenantId);
    this.semantic = semanticIndexFor(env);
  }

  async put(input: DocumentInput): Promise<{ document: KnowledgeDocumentRow; replaced: boolean }> {
    const replacedPassages =
      this.semantic && input.sourceUrl ? await this.store.passagesOf({ sourceUrl: input.sourceUrl }) : [];
    const result = await this.store.put(input);
    if (this.semantic) {
      await this.quietly("embed", result.document.id, async (semantic) => {
        await semantic.remove(replacedPassages.map((p) => p.id));
        await semantic.add(this.tenantId, input.title, await this.store.passagesOf({ id: result.document.id }));
      });
    }
    return result;
  }

  get(id: string): Promise<KnowledgeDocumentRow | undefined> {
    return this.store.get(id);
  }

  list(limit: number, cursor?: Keyset): Promise<{ rows: KnowledgeDocumentRow[]; next?: Keyset }> {
    return this.store.list(limit, cursor);
  }

  async delete(id: string): Promise<boolean> {
    const passages = this.semantic ? await this.store.passagesOf({ id }) : [];
    const gone = await this.store.delete(id);
    if (gone && this.semantic) {
      await this.quietly("unembed", id, (semantic) => semantic.remove(passages.map((p) => p.id)));
    }
    return gone;
  }

  private async quietly(step: string, documentId: string, work: (s: SemanticIndex) => Promise<void>) {
    if (!this.semantic) return;
    try {
      await work(this.semantic);
    } catch (err) {
      log("warn", "knowledge_vectors_failed", {
        tenant_id: this.tenantId,
        document_id: documentId,
        step,
        error: errorText(err),
      });
    }
  }
}
