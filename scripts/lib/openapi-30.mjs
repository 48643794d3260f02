// The service's OpenAPI 3.1 document rewritten as OpenAPI 3.0, for client generators that read only 3.0
// (AutoRest, older openapi-generator releases). Only what 3.0 cannot say changes: a nullable type
// (3.1 `type: [X, "null"]` or an anyOf/oneOf with {type: "null"}) becomes `nullable: true`, `const` an
// enum of one, `examples` its first `example`, and `propertyNames` (keys are strings anyway) is dropped.

export function toOpenApi30(doc) {
  const copy = structuredClone(doc);
  rewrite(copy);
  copy.openapi = "3.0.3";
  return copy;
}

function rewrite(node) {
  if (Array.isArray(node)) {
    for (const item of node) rewrite(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t) => t !== "null");
    if (types.length < node.type.length) node.nullable = true;
    if (types.length === 1) node.type = types[0];
    else {
      delete node.type;
      node.anyOf = types.map((type) => ({ type }));
    }
  }
  for (const key of ["anyOf", "oneOf"]) {
    const alternatives = node[key];
    if (!Array.isArray(alternatives) || !alternatives.some(isNull)) continue;
    const rest = alternatives.filter((a) => !isNull(a));
    node.nullable = true;
    delete node[key];
    if (rest.length === 1) Object.assign(node, rest[0]);
    else node[key] = rest;
  }
  if ("const" in node) {
    node.enum = [node.const];
    delete node.const;
  }
  if (Array.isArray(node.examples)) {
    node.example = node.examples[0];
    delete node.examples;
  }
  delete node.propertyNames;
  for (const value of Object.values(node)) rewrite(value);
}

const isNull = (schema) => typeof schema === "object" && schema !== null && schema.type === "null";
