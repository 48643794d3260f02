import type { Json } from "../helpers";
import type { Observed } from "./observe";
import type { Resolved } from "./resolve";

/**
 * The OpenAPI document's promise, checked on every fuzzed response: the
 * status is one the route declares, and so is the media type of its body.
 * A path no route has (the app's own 404) is not the document's business.
 */
export function contractProblems(doc: Json, r: Resolved, o: Observed): string[] {
  const path = new URL(r.url).pathname.replace(/(.)\/+$/, "$1");
  const template = Object.keys(doc.paths)
    .filter((t) => doc.paths[t][r.method.toLowerCase()])
    // Literal segments win over parameters (/api/sessions/end before /api/sessions/{id}), as in the router.
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
    .find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path));
  if (!template) return [];
  const declared = doc.paths[template][r.method.toLowerCase()].responses[String(o.status)];
  const where = `${r.method} ${template} → ${o.status}`;
  if (!declared) return [`${where} is not declared in the OpenAPI document`];
  const mediaType = (o.headers.get("content-type") ?? "").split(";")[0] as string;
  if (o.text !== "" && !declared.content?.[mediaType]) return [`${where}: ${mediaType} is not declared`];
  return [];
}
