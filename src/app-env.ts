import type { Config } from "./config";
import type { Caller } from "./session-types";

/** The authenticated caller: tenant, user, role, and the request id their calls carry. */
export interface Identity extends Caller {
  role: "user" | "admin";
}

/** Hono's environment: bindings plus what the middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    identity: Identity;
    config: Config;
    requestId: string;
    /** The session the request concerns, once known (for the access log). */
    sessionId?: string;
  };
}
