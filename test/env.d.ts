import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** test/fuzz.test.ts: how many requests, and the seed (empty: the defaults). */
      FUZZ_RUNS: string;
      FUZZ_SEED: string;
    }
  }
}
