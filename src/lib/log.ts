/**
 * Log lines are one JSON object each, so they can be searched by request,
 * tenant and session. They carry ids, counts and error names, never message
 * text, tokens or secrets.
 */
export interface LogFields {
  request_id?: string | null;
  tenant_id?: number;
  user_id?: number;
  session_id?: string;
  [field: string]: unknown;
}

type Level = "info" | "warn" | "error";

export function log(level: Level, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** An error as a log field: its name and message, cut short (no stack, no payloads). */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
