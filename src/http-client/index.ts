/**
 * The typed HTTP client (README "Programs: OpenAPI and the typed client"):
 * `createSessionsClient` for every route, `chatEvents` for a streamed turn.
 */
export {
  bodyOf,
  createSessionsClient,
  SessionsApiError,
  type SessionsClient,
  type SessionsClientOptions,
} from "./client";
export { type ChatEvent, ChatStreamError, chatEvents, readEvents } from "./events";
