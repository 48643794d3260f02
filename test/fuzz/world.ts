import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { freshTenant } from "../helpers";

/** A caller the fuzz can act as: two tenants, several users each, one admin per tenant. */
export interface Actor {
  name: string;
  tenant: number;
  user: number;
  role?: "admin";
}

/** What the fuzz knows happened to a session it saw created. */
export type Fate = "live" | "deleted" | "erased";

/** A message as a response reported it; the history must hold exactly this at the end. */
export interface SeenMessage {
  id: string;
  role: string;
  content: string;
}

export interface TrackedSession {
  id: string;
  owner: Actor;
  fate: Fate;
  messages: Map<number, SeenMessage>;
}

export interface TrackedDocument {
  id: string;
  tenant: number;
  deleted: boolean;
}

/** The kinds of Authorization header the fuzz sends; each maps to one fixed header value per actor. */
export const AUTH_KINDS = [
  "valid",
  "missing",
  "garbage",
  "basic",
  "lowercase-scheme",
  "expired",
  "alg-none",
  "hs512",
  "wrong-secret",
  "no-exp",
  "string-claims",
  "zero-tenant",
  "bad-role",
  "double-space",
] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

const b64url = (s: string) => btoa(s).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const HOUR_S = 3600;

/**
 * The state the fuzz builds up while it runs: who can call, which sessions
 * and documents responses revealed (and to whom), and the cursors and keys
 * worth re-sending. Requests name things by index into these lists, so a
 * seed replays the same sequence.
 */
export class World {
  readonly actors: Actor[];
  readonly sessions = new Map<string, TrackedSession>();
  readonly documents = new Map<string, TrackedDocument>();
  readonly cursors: string[] = [];
  readonly beforeValues: number[] = [];
  /** What the first success under each user's Idempotency-Key created: a retry replays it, whatever happened since. */
  readonly keyed = new Map<string, string>();
  private readonly headers = new Map<string, string | undefined>();

  private constructor(actors: Actor[]) {
    this.actors = actors;
  }

  static async create(): Promise<World> {
    const a = freshTenant();
    const b = freshTenant();
    const world = new World([
      { name: "A.user1", tenant: a, user: 1 },
      { name: "A.user2", tenant: a, user: 2 },
      { name: "A.admin", tenant: a, user: 3, role: "admin" },
      { name: "B.user1", tenant: b, user: 1 },
      { name: "B.admin", tenant: b, user: 2, role: "admin" },
    ]);
    for (const actor of world.actors) {
      for (const kind of AUTH_KINDS) world.headers.set(`${actor.name}/${kind}`, await authorization(actor, kind));
    }
    return world;
  }

  actor(pick: number): Actor {
    return this.actors[pick % this.actors.length] as Actor;
  }

  /** The Authorization header value for an actor and kind (undefined: none sent). */
  authorization(actor: Actor, kind: AuthKind): string | undefined {
    return this.headers.get(`${actor.name}/${kind}`);
  }

  sessionsOf(actor: Actor, fates: Fate[]): TrackedSession[] {
    return [...this.sessions.values()].filter((s) => sameOwner(s.owner, actor) && fates.includes(s.fate));
  }

  foreignSessions(actor: Actor): TrackedSession[] {
    return [...this.sessions.values()].filter((s) => !sameOwner(s.owner, actor));
  }

  documentsOf(tenant: number, own: boolean): TrackedDocument[] {
    return [...this.documents.values()].filter((d) => (d.tenant === tenant) === own);
  }

  track(id: string, owner: Actor): TrackedSession {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, owner, fate: "live", messages: new Map() };
      this.sessions.set(id, s);
    }
    return s;
  }

  /** Session and document ids the caller must never see, unless the request itself carried them. */
  foreignIds(actor: Actor): string[] {
    const sessions = this.foreignSessions(actor).map((s) => s.id);
    const docs = this.documentsOf(actor.tenant, false).map((d) => d.id);
    return [...sessions, ...docs];
  }

  /** An erasure of (tenant, user): every session of theirs is gone for good. */
  erase(tenant: number, user: number): void {
    for (const s of this.sessions.values()) {
      if (s.owner.tenant === tenant && s.owner.user === user) s.fate = "erased";
    }
    // Erasure also forgets the user's Idempotency-Keys.
    for (const key of this.keyed.keys()) if (key.startsWith(`${tenant}:${user}|`)) this.keyed.delete(key);
  }
}

export const sameOwner = (a: Actor, b: Actor) => a.tenant === b.tenant && a.user === b.user;

async function authorization(actor: Actor, kind: AuthKind): Promise<string | undefined> {
  const exp = Math.floor(Date.now() / 1000) + 6 * HOUR_S;
  const claims = { tenant_id: actor.tenant, user_id: actor.user, exp, ...(actor.role ? { role: actor.role } : {}) };
  const bearer = async (payload: Record<string, unknown>, secret = env.JWT_SECRET, alg: "HS256" | "HS512" = "HS256") =>
    `Bearer ${await sign(payload, secret, alg)}`;
  switch (kind) {
    case "valid":
      return bearer(claims);
    case "missing":
      return undefined;
    case "garbage":
      return "Bearer not.a.jwt";
    case "basic":
      return `Basic ${btoa("user:pass")}`;
    case "lowercase-scheme":
      return (await bearer(claims)).replace("Bearer", "bearer");
    case "expired":
      return bearer({ ...claims, exp: Math.floor(Date.now() / 1000) - HOUR_S });
    case "alg-none":
      return `Bearer ${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;
    case "hs512":
      return bearer(claims, env.JWT_SECRET, "HS512");
    case "wrong-secret":
      return bearer(claims, "not-the-secret");
    case "no-exp": {
      const { exp: _exp, ...rest } = claims;
      return bearer(rest);
    }
    case "string-claims":
      return bearer({ ...claims, tenant_id: String(actor.tenant), user_id: String(actor.user) });
    case "zero-tenant":
      return bearer({ ...claims, tenant_id: 0 });
    case "bad-role":
      return bearer({ ...claims, role: "superadmin" });
    case "double-space":
      return (await bearer(claims)).replace("Bearer ", "Bearer  ");
  }
}
