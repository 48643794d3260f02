import { z } from "zod";
import type { Keyset } from "../db/keyset";
import { ApiError } from "../errors";

/** Opaque list cursors: a keyset position, base64-encoded. */
export const encodeCursor = (key: Keyset | undefined): string | null =>
  key ? btoa(JSON.stringify([key.at, key.id])).replace(/=+$/, "") : null;

export function decodeCursor(raw: string | undefined): Keyset | undefined {
  if (raw === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(atob(raw)) as unknown[];
    if (typeof at === "string" && typeof id === "string") return { at, id };
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError(400, "invalid_request", "cursor: not a cursor this API returned");
}

/** The query of every keyset-paginated list: `limit` (1–100) and the opaque `cursor` a previous page returned. */
export const pageQuery = (defaultLimit: number) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(100).default(defaultLimit),
    cursor: z.string().optional(),
  });
