import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { RouterRoute } from "hono/types";
import type { AppEnv } from "./app-env";
import { getConfig } from "./config";
import { handleError } from "./error-handler";
import { ApiError } from "./errors";
import { requireAuth } from "./middleware/auth";
import { limitBody } from "./middleware/body-limit";
import { requestContext } from "./middleware/request-context";
import { authErrors } from "./openapi/describe";
import { adminRoutes } from "./routes/admin";
import { apiDocsRoutes } from "./routes/api-docs";
import { chatRoutes } from "./routes/chat";
import { healthRoutes } from "./routes/health";
import { knowledgeRoutes, MAX_DOCUMENT_CHARS } from "./routes/knowledge";
import { memoryRoutes } from "./routes/memory";
import { sessionRoutes } from "./routes/sessions";
import { userRoutes } from "./routes/users";
import { maxV1Chars, v1AuthErrors, v1Routes } from "./v1";
import { serveStatic } from "./web";

const KNOWLEDGE_PATH = /^\/api\/knowledge(\/|$)/;

const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", getConfig(c.env));
  await next();
});

/**
 * The Hono app: middleware, routes and the error handler. Its own module, so the
 * typed client (src/http-client/) and the OpenAPI test can take its type and routes
 * without the Durable Objects that src/worker.ts exports.
 */
export const app = new Hono<AppEnv>({ strict: false })
  .use("*", requestContext)
  .route("/", healthRoutes)
  .route(
    "/",
    apiDocsRoutes((): RouterRoute[] => app.routes),
  )
  // Only the API doors need the configuration: the web page's files load (and /health says why) when it is broken.
  .use("/api/*", withConfig)
  .use("/v1/*", withConfig)
  .use("/api/*", authErrors, requireAuth)
  .use("/v1/*", v1AuthErrors, requireAuth)
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

// What no route took: a static file (src/web.ts), else a 404 in the shape of the door the path belongs to (/v1: OpenAI's).
app.notFound(
  async (c) =>
    (await serveStatic(c)) ??
    handleError(new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`), c),
);
app.onError(handleError);

/** The app's routes and their types: what the typed HTTP client (src/http-client/) is built from. */
export type AppType = typeof app;
