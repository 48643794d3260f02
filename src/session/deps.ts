import { answerProviderFor } from "../answer";
import type { AnswerProvider } from "../answer/provider";
import { TenantSessionIndex } from "../db/session-index";
import { type Summarizer, summarizerFor } from "../memory";
import type { IndexWriter } from "./outbox";

/**
 * What a session object uses from outside itself, in one place: the answer
 * provider, the summariser and the writer of its D1 index row. Production
 * builds them from the env; a test replaces some of them (a slow or failing
 * model, a D1 outage) through SessionObject.useDeps.
 */
export interface SessionDeps {
  answers: AnswerProvider;
  summarizer: Summarizer;
  indexWriter: IndexWriter;
}

export function defaultDeps(env: Env): SessionDeps {
  return {
    answers: answerProviderFor(env),
    summarizer: summarizerFor(env),
    indexWriter: (row) => new TenantSessionIndex(env.DB, row.tenantId).upsert(row),
  };
}
