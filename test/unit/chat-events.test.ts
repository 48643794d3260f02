import { describe, expect, it } from "vitest";
import { ChatStreamError, readEvents } from "../../src/http-client/events";

/** A body delivered in the given byte chunks, as a network would split it. */
function body(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

async function read(text: string, chunkSize: number) {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.slice(i, i + chunkSize));
  const events = [];
  for await (const e of readEvents(body(chunks))) events.push(e);
  return events;
}

const STREAM = [
  'event: session\ndata: {"session_id":"s","resumed":false}\n\n',
  ": keep-alive\n\n",
  'event: delta\ndata: {"text":"Árvíztűrő 🙂 "}\n\n',
  'event: future\ndata: {"x":1}\n\n',
  'event: delta\r\ndata: {"text":"tükörfúrógép"}\r\n\r\n',
  'event: done\ndata: {"session_id":"s","user_message":{},"assistant_message":{},"sources":[]}\n\n',
].join("");

describe("readEvents (the client's SSE parser)", () => {
  it.each([1, 2, 3, 7, 64, 10_000])("reads the same events whatever the chunk size (%i bytes)", async (size) => {
    const events = await read(STREAM, size);
    expect(events.map((e) => e.event)).toEqual(["session", "delta", "delta", "done"]);
    const text = events.flatMap((e) => (e.event === "delta" ? [e.data.text] : [])).join("");
    expect(text).toBe("Árvíztűrő 🙂 tükörfúrógép");
  });

  it("joins multi-line data", async () => {
    const events = await read('event: delta\ndata: {"text":\ndata: "a"}\n\nevent: error\ndata: {"status":500}\n\n', 5);
    expect(events).toEqual([
      { event: "delta", data: { text: "a" } },
      { event: "error", data: { status: 500 } },
    ]);
  });

  it("a stream cut before done or error throws ChatStreamError after the events it had", async () => {
    const seen: string[] = [];
    const cut = 'event: session\ndata: {"session_id":"s","resumed":true}\n\nevent: delta\ndata: {"text":"x"}\n\n';
    const bytes = new TextEncoder().encode(cut);
    await expect(
      (async () => {
        for await (const e of readEvents(body([bytes]))) seen.push(e.event);
      })(),
    ).rejects.toBeInstanceOf(ChatStreamError);
    expect(seen).toEqual(["session", "delta"]);
  });

  it("a connection that breaks mid-stream is a ChatStreamError, with the cause kept; the caller's abort stays an abort", async () => {
    const breaking = (reason: unknown) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('event: delta\ndata: {"text":"x"}\n\n'));
        },
        pull(controller) {
          controller.error(reason);
        },
      });
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      const seen: string[] = [];
      try {
        for await (const e of readEvents(stream)) seen.push(e.event);
        return { seen, error: null };
      } catch (error) {
        return { seen, error };
      }
    };

    const network = new TypeError("network connection lost");
    const broken = await drain(breaking(network));
    expect(broken.seen).toEqual(["delta"]);
    expect(broken.error).toBeInstanceOf(ChatStreamError);
    expect((broken.error as Error).cause).toBe(network);

    const aborted = await drain(breaking(new DOMException("the user stopped it", "AbortError")));
    expect(aborted.seen).toEqual(["delta"]);
    expect(aborted.error).not.toBeInstanceOf(ChatStreamError);
    expect((aborted.error as Error).name).toBe("AbortError");
  });
});
