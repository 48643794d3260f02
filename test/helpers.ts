import { env, exports } from "cloudflare:workers";
import { sign } from "hono/jwt";

export interface Caller {
  tenant: number;
  user: number;
  role?: "user" | "admin";
}

let counter = 0;
/** Storage is shared by the tests of one file, so every test gets its own tenant. */
export function freshTenant(): number {
  counter += 1;
  return 1_000_000 + Math.floor(Math.random() * 1_000_000) * 100 + counter;
}

export async function tokenFor(who: Caller, claims: Record<string, unknown> = {}): Promise<string> {
  return sign(
    {
      tenant_id: who.tenant,
      user_id: who.user,
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...(who.role ? { role: who.role } : {}),
      ...claims,
    },
    env.JWT_SECRET,
    "HS256",
  );
}

export async function authHeaders(who: Caller): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(who)}` };
}

export interface ApiOptions {
  method?: string;
  as?: Caller;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP request through the worker's own fetch handler, as a client would send it. */
export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    ...(options.as ? await authHeaders(options.as) : {}),
    ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    ...options.headers,
  };
  const res = await exports.default.fetch(
    new Request(`http://sessions.test${path}`, {
      method: options.method ?? (options.body !== undefined ? "POST" : "GET"),
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === "string"
            ? options.body
            : JSON.stringify(options.body),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export const chat = (as: Caller, query: string, session_id?: string | null, headers?: Record<string, string>) =>
  api("/api/chat", { as, body: { query, ...(session_id !== undefined ? { session_id } : {}) }, headers });

export const newSession = async (as: Caller): Promise<string> => {
  const res = await api("/api/sessions", { as, method: "POST" });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

export const stubFor = (sessionId: string) => env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));
