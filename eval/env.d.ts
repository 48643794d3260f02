import type { D1Migration } from "@cloudflare/vitest-plugin";

export interface EvalQuestion {
  id: string;
  kind: string;
  lang: "hu" | "en";
  /** Earlier questions of the same session, asked first (a follow-up needs them). */
  after?: string[];
  ask: string;
  /** Names of the documents (eval/docs/<name>.md) that answer it; empty: nothing in the pack does. */
  expect: string[];
}

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The pack; the questions tuned against, and held-out ones written before tuning and never tuned against. */
      EVAL_PACK: { docs: { name: string; text: string }[]; questions: EvalQuestion[]; holdout: EvalQuestion[] };
    }
  }
}
