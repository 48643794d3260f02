import type { Config } from "../config";
import { TenantSessionMaintenance } from "../db/session-index";
import type { Owner } from "../session-types";
import { sessionStub } from "./stubs";

/**
 * MAX_SESSIONS_PER_USER: after a create, the user's least recently active
 * sessions beyond the cap are ended (with summaries). Every create runs this
 * after its own index row is written, so once a burst settles the last run
 * has seen every row and the user is within the cap.
 */
export async function enforceSessionCap(env: Env, config: Config, owner: Owner, keep: string): Promise<number> {
  const maintenance = new TenantSessionMaintenance(env.DB, owner.tenantId);
  let ended = 0;
  for (let round = 0; round < 10; round++) {
    const excess = (await maintenance.activeBeyond(owner.userId, config.MAX_SESSIONS_PER_USER)).filter(
      (s) => s.id !== keep,
    );
    if (excess.length === 0) break;
    const results = await Promise.all(excess.map((s) => sessionStub(env, s.id).end(owner, "limit")));
    ended += results.filter((r) => r.ok).length;
  }
  return ended;
}
