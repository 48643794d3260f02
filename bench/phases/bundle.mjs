// The service's bundle as `wrangler deploy --dry-run` reports it (the size Cloudflare limits).
import { join } from "node:path";
import { envArgs, wrangler } from "../../scripts/lib/wrangler-cli.mjs";

const SIZE = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/;

export function bundle(outDir) {
  const r = wrangler(["deploy", "--dry-run", "--outdir", join(outDir, "dist"), ...envArgs("")], { quiet: true });
  const size = SIZE.exec(r.output);
  if (r.status !== 0 || !size) throw new Error(`wrangler deploy --dry-run gave no size:\n${r.output.slice(-2000)}`);
  return { upload_kib: Number(size[1]), gzip_kib: Number(size[2]) };
}
