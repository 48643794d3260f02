import { clip } from "../lib/clip";
import type { MessageView, Role } from "../session-types";

/** Messages read at a time: with MAX_MESSAGE_CHARS ≤ 1,000,000 a page stays a few MB at worst. */
const PAGE = 32;
/** A summary reads this many messages from each end of the session, each cut to CLIP characters. */
const DIGEST_ENDS = 50;
const DIGEST_CLIP = 4_000;
/** Below this many bytes an archive is written in one piece; above, streamed. */
const STREAM_ABOVE_BYTES = 1 << 20;

export type MessageRecord = {
  seq: number;
  id: string;
  role: string;
  content: string;
  metadata: string;
  created_at: string;
};

export const toMessage = (m: MessageRecord): MessageView => ({
  id: m.id,
  seq: m.seq,
  role: m.role as Role,
  content: m.content,
  metadata: JSON.parse(m.metadata),
  created_at: m.created_at,
});

/** One message as a transcript line (JSON Lines). */
export const transcriptLine = (m: MessageView): string => `${JSON.stringify(m)}\n`;

/** Messages 1..upTo in seq order, a page at a time: memory stays bounded whatever the session's size. */
export function* messagePages(sql: SqlStorage, upTo: number): Generator<MessageView[]> {
  let after = 0;
  for (;;) {
    const rows = sql
      .exec<MessageRecord>("SELECT * FROM messages WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", after, upTo, PAGE)
      .toArray();
    if (rows.length === 0) return;
    yield rows.map(toMessage);
    after = (rows[rows.length - 1] as MessageRecord).seq;
  }
}

const encoder = new TextEncoder();
const pageBytes = (page: MessageView[]) => encoder.encode(page.map(transcriptLine).join(""));

/** The transcript as a byte stream, produced page by page as the reader pulls (it can cross RPC at any size). */
export function transcriptStream(sql: SqlStorage, upTo: number): ReadableStream<Uint8Array> {
  const pages = messagePages(sql, upTo);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pages.next();
      if (next.done) controller.close();
      else controller.enqueue(pageBytes(next.value));
    },
  });
}

/**
 * Writes the transcript to R2 without holding it in memory: one pass counts
 * its bytes (R2 needs a known length), the second streams it page by page.
 */
export async function archiveTranscript(
  bucket: R2Bucket,
  key: string,
  sql: SqlStorage,
  upTo: number,
  options: R2PutOptions,
): Promise<void> {
  let bytes = 0;
  for (const page of messagePages(sql, upTo)) bytes += pageBytes(page).byteLength;
  if (bytes <= STREAM_ABOVE_BYTES) {
    const whole = [...messagePages(sql, upTo)].flat().map(transcriptLine).join("");
    await bucket.put(key, whole, options);
    return;
  }
  const { readable, writable } = new FixedLengthStream(bytes);
  const upload = bucket.put(key, readable, options);
  const writer = writable.getWriter();
  try {
    for (const page of messagePages(sql, upTo)) await writer.write(pageBytes(page));
    await writer.close();
  } catch (err) {
    await writer.abort(err).catch(() => undefined);
    throw err;
  }
  await upload;
}

/** What a summary is made from: both ends of the session, clipped, and the real message count. */
export interface SummaryDigest {
  messages: MessageView[];
  total: number;
  firstSeq: number;
  lastSeq: number;
}

/**
 * A bounded view of the session for its summary: the first and last
 * DIGEST_ENDS messages, each cut to DIGEST_CLIP characters. A session of any
 * size is summarised in the same memory and time.
 */
export function summaryDigest(sql: SqlStorage, total: number): SummaryDigest {
  const cut = (m: MessageView): MessageView => ({ ...m, content: clip(m.content, DIGEST_CLIP + 1) });
  const head = sql
    .exec<MessageRecord>("SELECT * FROM messages ORDER BY seq LIMIT ?", DIGEST_ENDS)
    .toArray()
    .map(toMessage);
  const lastHead = head[head.length - 1]?.seq ?? 0;
  const tail = sql
    .exec<MessageRecord>("SELECT * FROM messages WHERE seq > ? ORDER BY seq DESC LIMIT ?", lastHead, DIGEST_ENDS)
    .toArray()
    .reverse()
    .map(toMessage);
  const messages = [...head, ...tail].map(cut);
  return {
    messages,
    total,
    firstSeq: messages[0]?.seq ?? 0,
    lastSeq: messages[messages.length - 1]?.seq ?? 0,
  };
}
