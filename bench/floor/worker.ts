// The benchmark's floor: one SQLite Durable Object per session behind Hono, no auth, no D1.
// Each stored message is the shape of our append: a message row and an update of the session row.
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";

interface FloorEnv {
  FLOOR: DurableObjectNamespace<FloorSession>;
}

interface Message {
  id: string;
  seq: number;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

interface MessageRow extends Record<string, SqlStorageValue> {
  id: string;
  seq: number;
  role: string;
  content: string;
  metadata: string;
  created_at: string;
}

export class FloorSession extends DurableObject<FloorEnv> {
  private readonly sql: SqlStorage;
  private count: number;

  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, role TEXT NOT NULL,
         content TEXT NOT NULL, metadata TEXT NOT NULL, created_at TEXT NOT NULL)`,
    );
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), message_count INTEGER NOT NULL,
         last_message_at TEXT NOT NULL)`,
    );
    // The count lives in memory between calls (one object, one thread), so an append reads nothing.
    this.count = this.sql.exec<{ n: number }>("SELECT coalesce(max(message_count), 0) AS n FROM session").one().n;
  }

  /** The object exists once constructed (its tables made); ours also makes the session's object on create. */
  create(): number {
    return this.count;
  }

  append(role: string, content: string): Message {
    return this.ctx.storage.transactionSync(() => this.insert(role, content));
  }

  /** The query and a trivial computed reply (no knowledge), stored together. */
  turn(query: string): { answer: string; user_message: Message; assistant_message: Message } {
    return this.ctx.storage.transactionSync(() => {
      const user = this.insert("user", query);
      const words = query.split(/\s+/).filter(Boolean).length;
      const answer = `Nothing in the knowledge base answers your ${words}-word question yet.`;
      return { answer, user_message: user, assistant_message: this.insert("assistant", answer) };
    });
  }

  /** Benchmark set-up only (not measured): `count` messages in one transaction, as if appended one by one. */
  fill(count: number, content: string): number {
    return this.ctx.storage.transactionSync(() => {
      for (let i = 0; i < count; i++) this.insert(i % 2 === 0 ? "user" : "assistant", `${i}: ${content}`);
      return this.count;
    });
  }

  last(limit: number): Message[] {
    return this.sql
      .exec<MessageRow>("SELECT * FROM messages ORDER BY seq DESC LIMIT ?", limit)
      .toArray()
      .reverse()
      .map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as Record<string, unknown> }));
  }

  /** The two INSERTs of one message: its row, and the session row's count and activity time. */
  private insert(role: string, content: string): Message {
    const message: Message = {
      id: crypto.randomUUID(),
      seq: this.count + 1,
      role,
      content,
      metadata: {},
      created_at: new Date().toISOString(),
    };
    this.sql.exec(
      "INSERT INTO messages (seq, id, role, content, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      message.seq,
      message.id,
      role,
      content,
      "{}",
      message.created_at,
    );
    this.sql.exec(
      `INSERT INTO session (id, message_count, last_message_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET message_count = excluded.message_count, last_message_at = excluded.last_message_at`,
      message.seq,
      message.created_at,
    );
    this.count = message.seq;
    return message;
  }
}

const session = (env: FloorEnv, id: string) => env.FLOOR.get(env.FLOOR.idFromName(id));

const text = (v: unknown): v is string => typeof v === "string" && v.length > 0;

export default new Hono<{ Bindings: FloorEnv }>()
  .get("/health", (c) => c.json({ status: "ok" }))
  .post("/sessions", async (c) => {
    const id = crypto.randomUUID();
    await session(c.env, id).create();
    return c.json({ id }, 201);
  })
  .post("/sessions/:id/messages", async (c) => {
    const body = await c.req.json<{ role?: unknown; content?: unknown }>();
    if (!text(body.role) || !text(body.content)) return c.json({ error: "role and content are required" }, 400);
    return c.json(await session(c.env, c.req.param("id")).append(body.role, body.content), 201);
  })
  .post("/chat", async (c) => {
    const body = await c.req.json<{ session_id?: unknown; query?: unknown }>();
    if (!text(body.session_id) || !text(body.query)) return c.json({ error: "session_id and query are required" }, 400);
    const turn = await session(c.env, body.session_id).turn(body.query);
    const { answer, user_message, assistant_message } = turn;
    return c.json({ session_id: body.session_id, resumed: true, answer, user_message, assistant_message });
  })
  .post("/sessions/:id/fill", async (c) => {
    const body = await c.req.json<{ count?: unknown; content?: unknown }>();
    if (typeof body.count !== "number" || !text(body.content)) return c.json({ error: "count and content" }, 400);
    return c.json({ message_count: await session(c.env, c.req.param("id")).fill(body.count, body.content) });
  })
  .get("/sessions/:id/messages", async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), 100);
    const id = c.req.param("id");
    return c.json({ session_id: id, messages: await session(c.env, id).last(limit) });
  });
