import { z } from "zod";
import { pageQuery } from "../lib/cursor";
import { MAX_JSON_DEPTH, withinDepth } from "../lib/json-depth";
import { unicodeText } from "../lib/validate";

/**
 * The inputs of the session operations, validated the same way whichever
 * door they come through (HTTP bodies and queries, or RPC arguments).
 */

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Who a call acts for: the token's identity over HTTP, named by the bound Worker over RPC. */
export const callerInput = z.object({ tenantId: id, userId: id });

export const chatInput = z.object({
  query: unicodeText().refine((q) => q.trim().length > 0, "must not be empty"),
  session_id: z.string().nullish(),
});

export const appendInput = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: unicodeText().refine((t) => t.trim().length > 0, "must not be empty"),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => withinDepth(m), `must not nest deeper than ${MAX_JSON_DEPTH} levels`)
    .optional(),
});

export const listInput = pageQuery(10).extend({ status: z.enum(["active", "ended", "all"]).default("active") });

export const historyInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

export const batchEndInput = z.object({
  session_ids: z.array(z.string()).min(1).max(100, "at most 100 session ids"),
});

export type ChatInputData = z.infer<typeof chatInput>;
export type AppendInputData = z.infer<typeof appendInput>;
export type ListInputData = z.input<typeof listInput>;
export type HistoryInputData = z.input<typeof historyInput>;
