import { ChatStreamError, readEvents } from "../public/app/sse.js";
import { expect, test } from "./fixtures";

/** The page's event-stream reader, in Node (no browser): a stream cut into arbitrary chunks. */
function streamOf(chunks: string[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]) {
  const events: { event: string; data: unknown }[] = [];
  for await (const e of readEvents(streamOf(chunks))) events.push(e);
  return events;
}

const WIRE =
  ': keep-alive\r\n\r\nevent: session\r\ndata: {"session_id":"s","resumed":false}\r\n\r\n' +
  'event: delta\ndata: {"text":"Árvíztűrő "}\n\nevent: unknown\ndata: {}\n\n' +
  'event: delta\ndata: {"text":"tükörfúrógép"}\n\nevent: done\ndata: {"session_id":"s"}\n\n';

test("events come out whole however the stream is cut (CRLF, multi-byte letters, comments, unknown events)", async () => {
  const expected = [
    { event: "session", data: { session_id: "s", resumed: false } },
    { event: "delta", data: { text: "Árvíztűrő " } },
    { event: "delta", data: { text: "tükörfúrógép" } },
    { event: "done", data: { session_id: "s" } },
  ];
  expect(await collect([WIRE])).toEqual(expected);
  // Cut after every byte: a "\r\n" and a two-byte letter split across chunks still parse.
  const bytes = new TextEncoder().encode(WIRE);
  const oneByteChunks = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
      controller.close();
    },
  });
  const events = [];
  for await (const e of readEvents(oneByteChunks)) events.push(e);
  expect(events).toEqual(expected);
});

test("a stream that ends before its done or error event is a ChatStreamError", async () => {
  await expect(collect(['event: session\ndata: {"session_id":"s"}\n\nevent: delta\ndata: {"te'])).rejects.toThrow(
    ChatStreamError,
  );
  expect(await collect(['event: error\ndata: {"status":502}\n\n'])).toEqual([
    { event: "error", data: { status: 502 } },
  ]);
});
