import { app } from "./app";
import { scheduledSweep } from "./lifecycle/sweep";

export type { AppType } from "./app";
export { IdempotencyLedger } from "./idempotency/ledger-object";
export { SessionService } from "./rpc/session-service";
export { SessionObject } from "./session-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(scheduledSweep(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
