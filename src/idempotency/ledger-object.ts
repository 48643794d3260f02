import { DurableObject } from "cloudflare:workers";
import { DAY_MS, SECOND_MS } from "../lib/time";

/** A key's first response is kept this long; after it the key is simply new. */
export const IDEMPOTENCY_TTL_MS = DAY_MS;
/** How long a retry waits for a concurrent attempt with the same key before answering "in use". */
const MAX_WAIT_MS = 30 * SECOND_MS;

/** A stored response: what the first request answered. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Who may finish a record: the attempt that holds it. A retry after a lost attempt takes over with a new number. */
export interface Attempt {
  key: string;
  token: string;
  attempt: number;
}

export type BeginResult =
  /** First use, or a retry of a failed or abandoned attempt: do the work (resume: under the same token). */
  | ({ kind: "new" | "resume"; sessionId: string | null } & Attempt)
  | ({ kind: "replay" } & StoredResponse)
  /** The key was used for a different request. */
  | { kind: "conflict" }
  /** Another attempt with this key is still running. */
  | { kind: "busy" };

type RecordRow = {
  key: string;
  fingerprint: string;
  state: "running" | "failed" | "done";
  token: string;
  attempt: number;
  session_id: string | null;
  status: number | null;
  body: string | null;
  created_at: number;
  lease_until: number;
};

const SCHEMA: string[] = [
  `CREATE TABLE keys (
     key TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     state TEXT NOT NULL,
     token TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     session_id TEXT,
     status INTEGER,
     body TEXT,
     created_at INTEGER NOT NULL,
     lease_until INTEGER NOT NULL
   )`,
  "CREATE INDEX keys_created ON keys (created_at)",
];

/**
 * One user's Idempotency-Keys (one object per tenant and user): a key is
 * scoped to its user across every endpoint. The record holds the request's
 * fingerprint, who is working on it (token + attempt, under a lease) and,
 * once done, the first response. The token is stable for the record's life,
 * so the session object can find a turn it already stored under it.
 */
export class IdempotencyLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  /** Claims the key for a request with this fingerprint, or says what the first request with it answered. */
  async begin(
    key: string,
    fingerprint: string,
    proposedSessionId: string | null,
    leaseMs: number,
  ): Promise<BeginResult> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const now = Date.now();
      const rec = this.live(key, now);
      if (!rec) {
        const token = crypto.randomUUID();
        await this.insert({
          key,
          fingerprint,
          state: "running",
          token,
          sessionId: proposedSessionId,
          leaseUntil: now + leaseMs,
        });
        return { kind: "new", key, token, attempt: 1, sessionId: proposedSessionId };
      }
      if (rec.fingerprint !== fingerprint) return { kind: "conflict" };
      if (rec.state === "done")
        return { kind: "replay", status: rec.status ?? 200, body: JSON.parse(rec.body ?? "null") };
      if (rec.state === "running" && rec.lease_until > now) {
        if (now >= deadline) return { kind: "busy" };
        await this.waitFor(key, Math.min(rec.lease_until, deadline) - now);
        continue;
      }
      // A failed attempt, or one whose worker went away: take over under the same token.
      const attempt = rec.attempt + 1;
      this.sql.exec(
        "UPDATE keys SET state = 'running', attempt = ?, lease_until = ? WHERE key = ?",
        attempt,
        now + leaseMs,
        key,
      );
      return { kind: "resume", key, token: rec.token, attempt, sessionId: rec.session_id };
    }
  }

  /** The attempt succeeded: later requests with the key get this response. */
  async complete(a: Attempt, response: StoredResponse): Promise<void> {
    this.sql.exec(
      "UPDATE keys SET state = 'done', status = ?, body = ? WHERE key = ? AND token = ? AND attempt = ?",
      response.status,
      JSON.stringify(response.body),
      a.key,
      a.token,
      a.attempt,
    );
    this.wake(a.key);
  }

  /** The attempt stored something it could not finish (a failed turn): a retry resumes it. */
  async fail(a: Attempt, sessionId: string | null): Promise<void> {
    this.sql.exec(
      "UPDATE keys SET state = 'failed', session_id = coalesce(?, session_id) WHERE key = ? AND token = ? AND attempt = ?",
      sessionId,
      a.key,
      a.token,
      a.attempt,
    );
    this.wake(a.key);
  }

  /** The attempt was refused and stored nothing: the key is free again. */
  async release(a: Attempt): Promise<void> {
    this.sql.exec("DELETE FROM keys WHERE key = ? AND token = ? AND attempt = ?", a.key, a.token, a.attempt);
    this.wake(a.key);
  }

  /**
   * A failed turn of a request that carried no key: it gets one now, so the
   * client can complete the turn by retrying with it (same body).
   */
  async recordFailure(key: string, fingerprint: string, token: string, sessionId: string | null): Promise<void> {
    await this.insert({ key, fingerprint, state: "failed", token, sessionId, leaseUntil: Date.now() });
  }

  /** Erasure: every key of the user, with the responses it kept. */
  async clear(): Promise<number> {
    const n = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM keys").one().n;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.migrate();
    return n;
  }

  /** Expired keys (and the responses they kept) are deleted, not just ignored. */
  override async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM keys WHERE created_at < ?", Date.now() - IDEMPOTENCY_TTL_MS);
    await this.armExpiry();
  }

  /** A key's first record (replacing an expired one), attempt 1. */
  private async insert(r: {
    key: string;
    fingerprint: string;
    state: "running" | "failed";
    token: string;
    sessionId: string | null;
    leaseUntil: number;
  }): Promise<void> {
    this.sql.exec(
      `INSERT OR REPLACE INTO keys (key, fingerprint, state, token, attempt, session_id, status, body, created_at, lease_until)
       VALUES (?, ?, ?, ?, 1, ?, NULL, NULL, ?, ?)`,
      r.key,
      r.fingerprint,
      r.state,
      r.token,
      r.sessionId,
      Date.now(),
      r.leaseUntil,
    );
    await this.armExpiry();
  }

  private live(key: string, now: number): RecordRow | null {
    const rec = this.sql.exec<RecordRow>("SELECT * FROM keys WHERE key = ?", key).toArray()[0];
    return rec && rec.created_at >= now - IDEMPOTENCY_TTL_MS ? rec : null;
  }

  private async armExpiry(): Promise<void> {
    const oldest = this.sql.exec<{ at: number | null }>("SELECT min(created_at) AS at FROM keys").one().at;
    if (oldest === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(oldest + IDEMPOTENCY_TTL_MS);
  }

  private waitFor(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(ms, 0));
      set.add(done);
      this.waiters.set(key, set);
    });
  }

  private wake(key: string): void {
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const done of [...set]) done();
  }

  private migrate(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS _schema (step INTEGER NOT NULL)");
    const done = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM _schema").one().n;
    for (let step = done; step < SCHEMA.length; step++) {
      this.sql.exec(SCHEMA[step] as string);
      this.sql.exec("INSERT INTO _schema (step) VALUES (?)", step);
    }
  }
}
