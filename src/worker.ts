import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { getConfig } from "./config";
import { handleError } from "./error-handler";
import { ApiError } from "./errors";
import { scheduledSweep } from "./lifecycle/sweep";
import { requireAuth } from "./middleware/auth";
import { limitBody } from "./middleware/body-limit";
import { requestContext } from "./middleware/request-context";
import { adminRoutes } from "./routes/admin";
import { chatRoutes } from "./routes/chat";
import { healthRoutes } from "./routes/health";
import { knowledgeRoutes, MAX_DOCUMENT_CHARS } from "./routes/knowledge";
import { memoryRoutes } from "./routes/memory";
import { sessionRoutes } from "./routes/sessions";
import { userRoutes } from "./routes/users";
import { maxV1Chars, v1Routes } from "./v1";

export { IdempotencyLedger } from "./idempotency/ledger-object";
export { SessionService } from "./rpc/session-service";
export { SessionObject } from "./session-object";

const KNOWLEDGE_PATH = /^\/api\/knowledge(\/|$)/;

const app = new Hono<AppEnv>({ strict: false })
  .use("*", requestContext)
  .route("/", healthRoutes)
  .use("*", async (c, next) => {
    c.set("config", getConfig(c.env));
    await next();
  })
  .use("/api/*", requireAuth)
  .use("/v1/*", requireAuth)
  // One byte cap a request, sized from its own route's character limit.
  .use(
    "/api/*",
    limitBody((config, path) => (KNOWLEDGE_PATH.test(path) ? MAX_DOCUMENT_CHARS : config.MAX_MESSAGE_CHARS)),
  )
  .use("/v1/*", limitBody(maxV1Chars))
  .route("/api/chat", chatRoutes)
  .route("/api/sessions", sessionRoutes)
  .route("/api/memory", memoryRoutes)
  .route("/api/knowledge", knowledgeRoutes)
  .route("/api/users", userRoutes)
  .route("/api/admin", adminRoutes)
  .route("/v1", v1Routes);

// In the shape of the door the path belongs to (/v1: OpenAI's).
app.notFound((c) => handleError(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`), c));
app.onError(handleError);

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(scheduledSweep(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
