import type { SSEStreamingApi } from "hono/streaming";

/**
 * Server-sent events written in order without making the producer wait for
 * the reader: push() never blocks, and one pump writes behind it. The turn
 * that produces the events holds its session's lock, so it must not wait on
 * a slow client; what is queued is bounded by the answer's size.
 */
export class EventQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly sse: SSEStreamingApi) {}

  /** True once the client has disconnected. */
  get gone(): boolean {
    return this.sse.aborted || this.sse.closed;
  }

  push(event: string, data: unknown): void {
    const text = JSON.stringify(data);
    this.tail = this.tail
      .then(async () => {
        if (!this.gone) await this.sse.writeSSE({ event, data: text });
      })
      .catch(() => undefined);
  }

  /** Resolves once everything pushed so far is written (or the client is gone). */
  drained(): Promise<void> {
    return this.tail;
  }
}
