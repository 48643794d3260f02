// Loads a Markdown document into a tenant's knowledge base on the local service:
//   npm run kb:load -- examples/tavmunka-szabalyzat.md [--tenant 1] [--url http://localhost:8787]
// The title is the first "# " heading; the source_url is file:// + the path, so loading again replaces it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: "string", default: "1" }, url: { type: "string", default: "http://localhost:8787" } },
});
if (positionals.length !== 1) {
  console.error("usage: npm run kb:load -- <file.md> [--tenant 1]");
  process.exit(1);
}
const path = resolve(positionals[0]);
const body = readFileSync(path, "utf8");
const title = /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? positionals[0];
const token = execFileSync(
  process.execPath,
  [new URL("./token.mjs", import.meta.url).pathname, "--tenant", values.tenant, "--user", "1", "--role", "admin"],
  { encoding: "utf8" },
).trim();
const res = await fetch(`${values.url}/api/knowledge/documents`, {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({ title, body, source_url: `file://${path}`, tags: ["example"] }),
});
console.log(res.status, JSON.stringify(await res.json(), null, 2));
process.exit(res.ok ? 0 : 1);
