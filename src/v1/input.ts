import type { Config } from "../config";
import { ApiError } from "../errors";
import { assertTextWithinLimit } from "../lib/limits";
import type { NewMessage } from "../session-types";
import type { ResponseCreate } from "./bodies";
import { badParam } from "./errors";
import { type MessageItem, textOf } from "./params";

/** 413 naming the parameter whose text is over MAX_MESSAGE_CHARS. */
function withinLimit(param: string, text: string, config: Config): void {
  try {
    assertTextWithinLimit(param, text, config);
  } catch (err) {
    if (err instanceof ApiError)
      throw new ApiError(err.status, err.code, err.message, [{ field: param, message: err.message }]);
    throw err;
  }
}

/** Message items as the messages to store, each within MAX_MESSAGE_CHARS. */
export function messagesOf(items: MessageItem[], param: string, config: Config): NewMessage[] {
  return items.map((item, i) => {
    const content = textOf(item.content);
    withinLimit(`${param}[${i}].content`, content, config);
    return { role: item.role, content, metadata: {} };
  });
}

/**
 * A response's input as one turn: its last message, a user's, is the query
 * the service answers; the instructions (as a system message: a client's
 * note, not the service's prompt) and the messages before it are stored just
 * before the query, in the same change.
 */
export function turnOf(body: ResponseCreate, config: Config): { query: string; preamble: NewMessage[] } {
  const instructions: NewMessage[] = [];
  if (body.instructions != null && body.instructions.trim() !== "") {
    withinLimit("instructions", body.instructions, config);
    instructions.push({ role: "system", content: body.instructions, metadata: {} });
  }
  if (typeof body.input === "string") {
    if (body.input.trim() === "") throw badParam("input", "must not be empty");
    withinLimit("input", body.input, config);
    return { query: body.input, preamble: instructions };
  }
  const messages = messagesOf(body.input, "input", config);
  const last = messages.pop() as NewMessage;
  if (last.role !== "user") {
    throw badParam(`input[${messages.length}].role`, "the last input message must be the user's question");
  }
  return { query: last.content, preamble: [...instructions, ...messages] };
}
