// @ts-check
// Reads a text/event-stream body into {event, data} as the events arrive (the chat stream: session, delta,
// done or error). The one copy of this parser: the page loads it as is (it has no bundler), and the typed
// HTTP client (src/http-client/events.ts) imports it with its event types.

/** The stream ended before its done or error event: the connection broke (the turn is still stored). */
export class ChatStreamError extends Error {
  /** @override */
  name = "ChatStreamError";
}

const EVENTS = new Set(["session", "delta", "done", "error"]);

/**
 * Unknown event names are skipped, so a newer service can add some. A read
 * that fails mid-stream is a ChatStreamError (its cause kept), except the
 * caller's own abort, which stays an AbortError.
 * @param {ReadableStream<BufferSource>} body
 * @returns {AsyncGenerator<{ event: string, data: any }>}
 */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  // A "\r" at a chunk's end may be the first half of "\r\n": it waits for the next chunk.
  let carriageReturn = "";
  let finished = false;
  try {
    while (true) {
      const { value, done } = await read(reader);
      if (done) break;
      const text = carriageReturn + value;
      carriageReturn = text.endsWith("\r") ? "\r" : "";
      buffer += text.slice(0, text.length - carriageReturn.length).replace(/\r\n?/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!event) continue;
        if (event.event === "done" || event.event === "error") finished = true;
        yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (!finished) throw new ChatStreamError("the chat stream ended before its done or error event");
}

/**
 * One read; a broken connection becomes a ChatStreamError.
 * @param {ReadableStreamDefaultReader<string>} reader
 */
async function read(reader) {
  try {
    return await reader.read();
  } catch (err) {
    if (err instanceof Error && err.name === "AbortError") throw err;
    throw new ChatStreamError(String(err), { cause: err });
  }
}

/** @param {string} block */
function parseBlock(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // a comment (keep-alive)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  if (!EVENTS.has(name) || data.length === 0) return null;
  return { event: name, data: JSON.parse(data.join("\n")) };
}
