import { and, type Column, eq, gt, lt, or, type SQL } from "drizzle-orm";

/** A position in an (timestamp, id) ordering: the basis of every paginated list here. */
export interface Keyset {
  at: string;
  id: string;
}

/** Rows strictly past `key` in (at, id) order; undefined (no condition) without a key. */
export function pastKey(at: Column, id: Column, key: Keyset | undefined, order: "asc" | "desc"): SQL | undefined {
  if (!key) return undefined;
  const beyond = order === "desc" ? lt : gt;
  return or(beyond(at, key.at), and(eq(at, key.at), beyond(id, key.id)));
}

/** Cuts a `limit + 1` query result to a page, with the key to continue from when there is more. */
export function toPage<R>(rows: R[], limit: number, keyOf: (row: R) => Keyset): { rows: R[]; next?: Keyset } {
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, next: keyOf(page[page.length - 1] as R) };
}
