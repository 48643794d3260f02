/**
 * GET /docs: the API reference for /openapi.json, rendered by Scalar's
 * standalone bundle. Everything it loads comes from this worker: the bundle
 * is a static asset (copied from @scalar/api-reference by
 * scripts/docs-assets.mjs), its default web fonts are off, and its telemetry
 * and hosted AI features are disabled, so the page works offline.
 */

/** Where the web page's static files serve Scalar's bundle (public/, see web/wrangler.toml). */
export const SCALAR_SCRIPT = "/docs/scalar/standalone.js";

const configuration = {
  url: "/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  hideClientButton: true,
  documentDownloadType: "json",
};

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Knowledge Router Sessions API</title>
    <style>body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }</style>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
    <script src="${SCALAR_SCRIPT}"></script>
    <script>Scalar.createApiReference("#app", ${JSON.stringify(configuration)});</script>
  </body>
</html>
`;
