// Reads wrangler.toml as data (smol-toml), for the checks and deploy scripts.
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

export const WRANGLER_TOML = new URL("../../wrangler.toml", import.meta.url);

/** The file's text (kept for edits that must preserve comments) and its parsed form. */
export function readWranglerToml(path = WRANGLER_TOML) {
  const text = readFileSync(path, "utf8");
  return { text, config: parse(text) };
}

export { parse as parseToml };
