import type { SSEStreamingApi } from "hono/streaming";

/**
 * Server-sent events written in order without making the producer wait for
 * the reader: push() never blocks, and one pump writes behind it. The turn
 * that produces the events holds its session's lock, so it must not wait on
 * a slow client; what is queued is bounded by the answer's size. Events
 * pushed before the stream is open wait for it (see attach).
 */
export class EventQueue {
  private sse: SSEStreamingApi | null = null;
  private open!: () => void;
  private tail: Promise<void> = new Promise((resolve) => {
    this.open = resolve;
  });
  private started = false;
  private start!: () => void;
  /** Resolves with the first event pushed. */
  readonly firstEvent: Promise<void> = new Promise((resolve) => {
    this.start = resolve;
  });

  /** The stream is open: everything queued so far is written, in order. */
  attach(sse: SSEStreamingApi): void {
    this.sse = sse;
    this.open();
  }

  /** True once the client has disconnected. */
  get gone(): boolean {
    return this.sse !== null && (this.sse.aborted || this.sse.closed);
  }

  push(event: string, data: unknown): void {
    const text = JSON.stringify(data);
    if (!this.started) {
      this.started = true;
      this.start();
    }
    this.tail = this.tail
      .then(async () => {
        if (this.sse && !this.gone) await this.sse.writeSSE({ event, data: text });
      })
      .catch(() => undefined);
  }

  /** Resolves once everything pushed so far is written (or the client is gone). */
  drained(): Promise<void> {
    return this.tail;
  }
}
