import { type DescribeRouteOptions, describeRoute } from "hono-openapi";
import { describe, headers, jsonContent, type RouteDoc } from "../openapi/describe";
import { conversationCreate } from "./bodies";
import {
  conversation,
  conversationDeleted,
  conversationItem,
  itemList,
  openAiError,
  response,
  responseStreamEvent,
} from "./schemas";

/**
 * The /v1 routes' OpenAPI annotations: as /api's (src/openapi/describe.ts),
 * but every error has OpenAI's body ({"error": {message, type, param,
 * code}}) and this door's codes.
 */

const ERRORS = {
  400: "`invalid_request` (`param` names the parameter), `unknown_parameter`, `unsupported_parameter` (tools, images, audio, sampling, `store: false`…: refused by name, never ignored), `invalid_json`, `invalid_content_type`, `unsupported_operation`",
  401: "`unauthorized`: no, or a bad, API key (the bearer JWT)",
  404: "`not_found`: no such conversation, item or response, or one that is not the caller's (answered alike); `param` names the parameter that named it",
  409: "`session_ended` (the conversation is read-only), `idempotency_key_reused`, `idempotency_key_in_use`",
  413: "`payload_too_large`: a text over its character limit (`param` names it), or a body too large to hold one",
  502: "`answer_failed`: the answer provider failed; `details` names the conversation, the failed response and the Idempotency-Key that completes it",
  503: "`server_misconfigured`, `jwks_unavailable`, or `knowledge_unavailable` on a turn (with `details` as for 502)",
  504: "`answer_timeout`: the answer provider gave no answer in time (with `details` as for 502)",
} as const;

type V1ErrorStatus = keyof typeof ERRORS;

const errorResponses = (...statuses: V1ErrorStatus[]): NonNullable<DescribeRouteOptions["responses"]> =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERRORS[s], headers, content: jsonContent(openAiError), "x-ms-error-response": true },
    ]),
  );

const tag = "openai";

/** One /v1 route's annotation: describe()'s, with OpenAI's error body. */
const v1Describe = (doc: Omit<RouteDoc, "tag" | "errors" | "extra"> & { errors: V1ErrorStatus[] }) =>
  describe({ ...doc, tag, errors: [], extra: { responses: errorResponses(...doc.errors) } });

/** On `/v1/*` with the auth middleware: every /v1 route can answer these two. */
export const v1AuthErrors = describeRoute({ responses: errorResponses(401, 503) });

export const docs = {
  createConversation: v1Describe({
    operationId: "createConversation",
    summary: "Create a conversation (a new session), with optional metadata and first items",
    optionalBody: conversationCreate,
    ok: { status: 200, schema: conversation, description: "The new conversation" },
    errors: [400, 409, 413],
    idempotent: true,
  }),
  getConversation: v1Describe({
    operationId: "getConversation",
    summary: "One conversation (any of the caller's sessions, however it was created)",
    ok: { status: 200, schema: conversation, description: "The conversation" },
    errors: [404],
  }),
  updateConversation: v1Describe({
    operationId: "updateConversation",
    summary: "Replace the conversation's metadata",
    ok: { status: 200, schema: conversation, description: "The updated conversation" },
    errors: [400, 404, 409, 413],
  }),
  deleteConversation: v1Describe({
    operationId: "deleteConversation",
    summary: "Delete the conversation (the session's delete: gone at once from both doors)",
    ok: { status: 200, schema: conversationDeleted, description: "Deleted" },
    errors: [404],
  }),
  listItems: v1Describe({
    operationId: "listConversationItems",
    summary: "A page of the conversation's items (its messages), newest first by default",
    ok: { status: 200, schema: itemList, description: "A page; pass last_id as `after` while has_more" },
    errors: [400, 404],
  }),
  addItems: v1Describe({
    operationId: "createConversationItems",
    summary: "Add messages (user, assistant, system) to the conversation: all or none; no answer is made",
    ok: { status: 200, schema: itemList, description: "The stored items, in order" },
    errors: [400, 404, 409, 413],
    idempotent: true,
  }),
  getItem: v1Describe({
    operationId: "getConversationItem",
    summary: "One item (message) of the conversation, by its id",
    ok: { status: 200, schema: conversationItem, description: "The item" },
    errors: [400, 404],
  }),
  // No success to declare: the route exists so that clients read why, not a bare "no route".
  deleteItem: describeRoute({
    operationId: "deleteConversationItem",
    summary: "Refused: a conversation's history is append-only",
    description: "Always `400 unsupported_operation`.",
    tags: [tag],
    responses: errorResponses(400),
  }),
  createResponse: v1Describe({
    operationId: "createResponse",
    summary: "One turn: the answer from the tenant's knowledge, in a conversation, after a response, or in a new one",
    description:
      "`input` is a string or a message list whose last message, a user's, is the question. Runs in `conversation`, " +
      "or in the session of `previous_response_id`, or (neither) in a new session. `model` is echoed; the " +
      "service's provider answers. `instructions` are kept as a system message before the question (a client note, " +
      "not the service's prompt). With `stream: true` the response streams as server-sent events; a request refused " +
      "before anything is stored still gets a JSON error.",
    ok: {
      status: 200,
      schema: response,
      events: responseStreamEvent,
      description: "The response (application/json), or its stream (text/event-stream, one ResponseStreamEvent each)",
    },
    errors: [400, 404, 409, 413, 502, 503, 504],
    idempotent: true,
  }),
  getResponse: v1Describe({
    operationId: "getResponse",
    summary: "A response as stored (in_progress, completed or failed)",
    ok: { status: 200, schema: response, description: "The response" },
    errors: [400, 404],
  }),
};
