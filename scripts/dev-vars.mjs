// Reads and writes .dev.vars, the local secrets file wrangler dev loads.
import { existsSync, readFileSync } from "node:fs";

export const DEV_VARS = new URL("../.dev.vars", import.meta.url);

export function readDevVars() {
  if (!existsSync(DEV_VARS)) return {};
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}
