import type { Config } from "./config";
import type { Owner } from "./session-types";

export interface Identity extends Owner {
  role: "user" | "admin";
}

/** Hono's environment: bindings plus what the middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { identity: Identity; config: Config };
}
