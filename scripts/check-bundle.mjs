// `npm run check:bundle`: `wrangler deploy --dry-run` of both environments, offline, printing the upload size.
// Proves each environment bundles and its config validates, and keeps the Worker under the Free plan's limit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envArgs, wrangler } from "./lib/wrangler-cli.mjs";

const GZIP_LIMIT_KIB = 3 * 1024; // Workers Free plan: 3 MB after compression (paid plans: 10 MB)
const SIZE = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/;

const out = mkdtempSync(join(tmpdir(), "krs-dry-run-"));
let failed = false;
try {
  for (const env of ["", "ai"]) {
    const name = env || "default";
    const r = wrangler(["deploy", "--dry-run", "--outdir", join(out, name), ...envArgs(env)], { quiet: true });
    const size = SIZE.exec(r.output);
    if (r.status !== 0 || !size) {
      process.stderr.write(r.output);
      console.error(`✘ ${name}: wrangler deploy --dry-run ${r.status !== 0 ? "failed" : "printed no upload size"}`);
      failed = true;
      continue;
    }
    const gzip = Number(size[2]);
    const over = gzip > GZIP_LIMIT_KIB;
    console.log(`${over ? "✘" : "✓"} ${name}: ${size[1]} KiB, gzip ${size[2]} KiB (limit ${GZIP_LIMIT_KIB} KiB)`);
    failed ||= over;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
