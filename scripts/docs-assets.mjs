// The static assets GET /docs loads: Scalar's standalone API reference bundle, copied from the
// @scalar/api-reference devDependency into public/docs/scalar/ (git-ignored; the rest of public/, the web
// page, is committed), which the assets-only Worker of web/wrangler.toml serves.
// Runs as that Worker's [build] command (so before `wrangler dev`, `deploy` and `deploy --dry-run`) and
// from vitest.config.ts (the tests serve the same assets). Copies only what changed.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE = join(ROOT, "node_modules", "@scalar", "api-reference");
/** Where GET /docs expects it: src/openapi/docs-page.ts SCALAR_SCRIPT, under public/. */
export const SCALAR_TARGET = join(ROOT, "public", "docs", "scalar", "standalone.js");

export function copyDocsAssets() {
  const source = join(PACKAGE, "dist", "browser", "standalone.js");
  if (!existsSync(source)) {
    throw new Error(`${source} is missing: run \`npm install\` (GET /docs serves Scalar's bundle from it).`);
  }
  const fresh = existsSync(SCALAR_TARGET) && statSync(SCALAR_TARGET).size === statSync(source).size;
  if (fresh && readFileSync(SCALAR_TARGET).equals(readFileSync(source))) return;
  mkdirSync(dirname(SCALAR_TARGET), { recursive: true });
  copyFileSync(source, SCALAR_TARGET);
  const { version, license } = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
  console.log(`docs assets: @scalar/api-reference ${version} (${license}) → public/docs/scalar/standalone.js`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    copyDocsAssets();
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
