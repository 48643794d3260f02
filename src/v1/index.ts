import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../config";
import { conversationRoutes } from "./conversations";

import { MAX_ITEMS } from "./params";
import { responseRoutes } from "./responses";

export { v1AuthErrors } from "./docs";

/**
 * The OpenAI-compatible door: Conversations, their Items and Responses over
 * the same sessions as /api, in OpenAI's shapes and error format, so any
 * OpenAI SDK is a client (base URL …/v1, the bearer JWT as the API key).
 */
export const v1Routes = new Hono<AppEnv>()
  .route("/conversations", conversationRoutes)
  .route("/responses", responseRoutes);

/** The most text one /v1 request carries: MAX_ITEMS messages, plus instructions. */
export const maxV1Chars = (config: Config) => (MAX_ITEMS + 1) * config.MAX_MESSAGE_CHARS;
