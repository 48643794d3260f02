// `npm run -s openapi:3.0 [-- <url or file>] > openapi-3.0.json`: the OpenAPI document as 3.0, for
// generators that read only 3.0 (README "Programs"). Default source: the local service's /openapi.json.
import { readFileSync } from "node:fs";
import { toOpenApi30 } from "./lib/openapi-30.mjs";

const source = process.argv[2] ?? "http://localhost:8787/openapi.json";
const doc = /^https?:\/\//.test(source)
  ? await fetch(source).then((r) => {
      if (!r.ok) throw new Error(`${source} answered ${r.status}`);
      return r.json();
    })
  : JSON.parse(readFileSync(source, "utf8"));
process.stdout.write(`${JSON.stringify(toOpenApi30(doc), null, 2)}\n`);
