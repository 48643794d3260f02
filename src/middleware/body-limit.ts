import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../config";
import { ApiError } from "../errors";
import { MAX_METADATA_BYTES } from "../lib/limits";

/**
 * The most bytes one character can take in a JSON body: an astral character
 * written as an escaped surrogate pair, `\uD83D\uDE00`.
 */
const MAX_JSON_BYTES_PER_CHAR = 12;
/**
 * Room for the rest of a body: metadata at its limit, every byte escaped
 * (6 bytes each), plus the other fields and their names.
 */
const BODY_ROOM_BYTES = 6 * MAX_METADATA_BYTES + 16 * 1024;

/** The largest body that can carry a text of `maxChars` characters, however it is encoded. */
export const maxBodyBytes = (maxChars: number) => maxChars * MAX_JSON_BYTES_PER_CHAR + BODY_ROOM_BYTES;

/**
 * Rejects, before reading it, a body too large to hold the largest text the
 * route accepts; the route itself then counts the characters.
 */
export const limitBody = (maxChars: (config: Config, path: string) => number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const maxSize = maxBodyBytes(maxChars(c.get("config"), c.req.path));
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request body exceeds ${maxSize} bytes`);
      },
    })(c, next);
  });
