// Loads a Markdown document into a tenant's knowledge base on a running service:
//   npm run kb:load -- <file.md> [--source-url https://intranet.example/policy]
//                      [--service-url http://localhost:8787] [--tenant 1] [--user 1]
// --service-url  the service to post to (default http://localhost:8787)
// --source-url   the document's http(s) address, cited with its answers; loading again with the same
//                one replaces the document. Without it the document has no link (and a re-load adds a copy).
// --tenant, --user  whose knowledge base: a tenant-admin token for that user is made with the local
//                JWT_SECRET (.dev.vars), as `npm run token -- --role admin` does (defaults 1 and 1).
// The title is the file's first "# " heading (else its file name). The local path is never sent.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

const usage =
  "usage: npm run kb:load -- <file.md> [--source-url https://…] [--service-url http://localhost:8787] [--tenant 1] [--user 1]";
const fail = (message) => {
  console.error(message);
  process.exit(1);
};
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      "service-url": { type: "string", default: "http://localhost:8787" },
      "source-url": { type: "string" },
      tenant: { type: "string", default: "1" },
      user: { type: "string", default: "1" },
    },
  });
} catch (error) {
  fail(`${error.message}\n${usage}`);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) fail(usage);
const sourceUrl = values["source-url"];
if (sourceUrl !== undefined && !/^https?:\/\//i.test(sourceUrl)) fail("--source-url must be an http(s) URL");
for (const flag of ["tenant", "user"]) {
  if (!/^\d+$/.test(values[flag])) fail(`--${flag} must be a whole number`);
}

const body = readFileSync(positionals[0], "utf8");
const title = /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? basename(positionals[0]);
const token = execFileSync(
  process.execPath,
  [
    new URL("./token.mjs", import.meta.url).pathname,
    "--tenant",
    values.tenant,
    "--user",
    values.user,
    "--role",
    "admin",
  ],
  { encoding: "utf8" },
).trim();
const endpoint = new URL("/api/knowledge/documents", values["service-url"]);
const res = await fetch(endpoint, {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({ title, body, ...(sourceUrl ? { source_url: sourceUrl } : {}) }),
}).catch((error) =>
  fail(`cannot reach ${endpoint}: ${error.cause?.message ?? error.message} (is the service running?)`),
);
const text = await res.text();
let shown = text;
try {
  shown = JSON.stringify(JSON.parse(text), null, 2);
} catch {}
console.log(res.status, shown);
process.exit(res.ok ? 0 : 1);
