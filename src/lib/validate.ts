import type { Context, MiddlewareHandler } from "hono";
import type { BlankEnv } from "hono/types";
import { type InferInput, validator } from "hono/validator";
import { resolver, uniqueSymbol } from "hono-openapi";
import { z } from "zod";
import { ApiError } from "../errors";

/** A lone (unpaired) UTF-16 surrogate: valid in a JS string, but not Unicode, so not storable as UTF-8 text. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Text that is stored (queries, messages, documents) must be valid Unicode:
 * SQLite keeps UTF-8, where a lone surrogate would silently become U+FFFD and
 * the history would no longer hold what the response said was stored.
 */
export const unicodeText = () =>
  z.string().refine((s) => !LONE_SURROGATE.test(s), "must be valid Unicode text (no unpaired surrogates)");

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : where,
    message: issue.message,
  }));
  const first = details[0];
  throw new ApiError(400, "invalid_request", first ? `${first.field}: ${first.message}` : `invalid ${where}`, details);
}

/**
 * Hands the validator's own schema to the OpenAPI generator (hono-openapi reads
 * it from this symbol), so the document describes exactly what is enforced.
 */
export function documented<S extends z.ZodType, T extends "json" | "query">(middleware: object, target: T, schema: S) {
  // hono's validator() types its input from the function's (generic) result; state it from the schema instead.
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } }) as Validated<T, S>;
}

/** What the typed client sends (the schema's input side) and what the handler reads (its output). */
type Validated<Target extends "json" | "query", S extends z.ZodType> = MiddlewareHandler<
  BlankEnv,
  string,
  {
    in: { [K in Target]: K extends "json" ? z.input<S> : InferInput<z.input<S>, K> };
    out: { [K in Target]: z.output<S> };
  }
>;

/** Validates a JSON body; a non-JSON content type is a clear 400, not an empty object. */
export const jsonBody = <S extends z.ZodType>(schema: S): Validated<"json", S> =>
  documented(
    validator("json", (value, c: Context) => {
      const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
      if (!JSON_MEDIA.test(mediaType)) {
        throw new ApiError(400, "invalid_content_type", "the body must be JSON (Content-Type: application/json)");
      }
      return parseOrThrow(schema, value, "body");
    }),
    "json",
    schema,
  );

export const queryParams = <S extends z.ZodType>(schema: S): Validated<"query", S> =>
  documented(
    validator("query", (value) => parseOrThrow(schema, value, "query")),
    "query",
    schema,
  );
