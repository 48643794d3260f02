import type { Context } from "hono";
import { validator } from "hono/validator";
import { z } from "zod";
import { ApiError } from "../errors";
import { documented, unicodeText } from "../lib/validate";

/**
 * Validation for /v1 requests with OpenAI's parameter names: a problem names
 * its parameter as OpenAI writes it (`input[0].content[1].type`), an unknown
 * parameter is 400 `unknown_parameter`, and a known one this service cannot
 * honour (tools, images, audio, sampling…) is 400 `unsupported_parameter`,
 * never silently ignored.
 */

const UNSUPPORTED = "unsupported_parameter";

/** `input[0].content` from a zod path. */
export const paramName = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    "",
  );

interface Problem {
  field: string;
  message: string;
  code: string;
}

type Issue = z.core.$ZodIssue;

/** A union's failure, as the branch that got furthest explains it. */
function deepest(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  const best = branches.sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0]?.[0];
  return best ? deepest({ ...best, path: [...issue.path, ...best.path] }) : issue;
}

function problemOf(raw: Issue, where: string): Problem {
  const issue = deepest(raw);
  if (issue.code === "unrecognized_keys") {
    const field = paramName([...issue.path, issue.keys[0] as string]);
    return { field, message: "unknown parameter", code: "unknown_parameter" };
  }
  const field = paramName(issue.path) || where;
  const code = issue.code === "custom" && issue.params?.code === UNSUPPORTED ? UNSUPPORTED : "invalid_request";
  return { field, message: issue.message, code };
}

export function parseV1<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => problemOf(issue, where));
  const first = problems[0] as Problem;
  const details = problems.map(({ field, message }) => ({ field, message }));
  throw new ApiError(400, first.code, `${first.field}: ${first.message}`, details);
}

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

const jsonValidator = <S extends z.ZodType>(schema: S, optional: boolean) =>
  validator("json", (value, c: Context) => {
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const empty = mediaType === "" && (c.req.header("content-length") ?? "0") === "0";
    if (!JSON_MEDIA.test(mediaType) && !(optional && empty)) {
      throw new ApiError(400, "invalid_content_type", "the body must be JSON (Content-Type: application/json)");
    }
    return parseV1(schema, value, "body");
  });

/** A JSON body, its schema handed to the OpenAPI document (as /api's validators do). */
export const v1Json = <S extends z.ZodType>(schema: S) => documented(jsonValidator(schema, false), "json", schema);

/**
 * A JSON body that may be absent (no body at all is `{}`: POST
 * /v1/conversations). The route's annotation declares it as optional.
 */
export const v1OptionalJson = <S extends z.ZodType>(schema: S) => jsonValidator(schema, true);

/** A query; the SDKs send arrays as `include[]=a&include[]=b`. */
export const v1Query = <S extends z.ZodType>(schema: S) =>
  documented(
    validator("query", (value) => {
      const named = Object.entries(value).map(([k, v]) => (k.endsWith("[]") ? [k.slice(0, -2), [v].flat()] : [k, v]));
      return parseV1(schema, Object.fromEntries(named), "query");
    }),
    "query",
    schema,
  );

/**
 * A parameter this service cannot honour: absent, null, or only its neutral
 * value (`accepted`, in words for the OpenAPI document).
 */
export const unsupported = (
  neutral: (value: unknown) => boolean = () => false,
  accepted?: string,
  message = NOT_SUPPORTED,
) =>
  z
    .unknown()
    .optional()
    .refine((v) => v === undefined || v === null || neutral(v), { message, params: { code: UNSUPPORTED } })
    .meta({
      description: `Not supported: 400 unsupported_parameter unless absent or null${accepted ? ` or ${accepted}` : ""}`,
    });

const NOT_SUPPORTED = "not supported by this service";

/** A choice among supported values, where anything else is unsupported rather than malformed. */
export const supportedValue = <T extends string>(values: readonly T[], what: (value: unknown) => string) =>
  z.string().refine((v): v is T => (values as readonly string[]).includes(v), {
    error: (issue) => `${what(issue.input)} is not supported by this service`,
    params: { code: UNSUPPORTED },
  });

/** OpenAI's metadata: at most 16 string values, keys up to 64 and values up to 512 characters. */
export const metadataParam = z
  .record(z.string().min(1).max(64, "keys are at most 64 characters"), z.string().max(512, "at most 512 characters"))
  .refine((m) => Object.keys(m).length <= 16, "at most 16 keys");

/** A text part of a message; images, files, audio and refusals are not supported. */
const textPart = z
  .object({
    type: supportedValue(["input_text", "output_text"] as const, (t) => `${String(t)} content`),
    text: unicodeText(),
    annotations: z.array(z.unknown()).max(0, "annotations are not supported on input").optional(),
    logprobs: z.array(z.unknown()).optional(),
  })
  .strict();

/** The text a message's content carries: a string, or its text parts joined by newlines. */
export const textOf = (content: string | { text: string }[]): string =>
  typeof content === "string" ? content : content.map((p) => p.text).join("\n");

/** A message item (input or conversation item): user, assistant or system, with text content. */
export const messageItem = z
  .object({
    type: supportedValue(["message"] as const, (t) => `${String(t)} items`).optional(),
    role: z.enum(["user", "assistant", "system"], { error: "must be user, assistant or system" }),
    content: z.union([unicodeText(), z.array(textPart).min(1)]),
    // Ids are the service's to give; one sent back (an earlier output item) is not reused.
    id: z.string().optional(),
    status: z.enum(["in_progress", "completed", "incomplete"]).optional(),
    phase: unsupported(),
  })
  .strict()
  .refine((item) => textOf(item.content).trim().length > 0, { message: "must not be empty", path: ["content"] });

export type MessageItem = z.infer<typeof messageItem>;

/** Items added at a time (OpenAI's limit too). */
export const MAX_ITEMS = 20;
