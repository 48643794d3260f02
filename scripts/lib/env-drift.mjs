// The `ai` environment must be the default one plus the AI binding: wrangler does not inherit vars and
// bindings into environments, so wrangler.toml repeats them by hand and this finds where they drifted.

/**
 * Keys wrangler does not inherit into an environment (wrangler 4.164, `notInheritable` in its config
 * validation). Any of them set at the top level must be repeated, equal, in the environment.
 * scripts/test/env-drift.test.mjs fails when the installed wrangler has one this list lacks.
 */
export const NOT_INHERITED = `
  vars secrets define durable_objects workflows kv_namespaces cloudchamber containers send_email queues connect
  r2_buckets d1_databases vectorize ai_search_namespaces ai_search agent_memory hyperdrive services
  analytics_engine_datasets dispatch_namespaces mtls_certificates tail_consumers streaming_tail_consumers unsafe
  browser analytics ai images stream media pipelines k2 secrets_store_secrets artifacts unsafe_hello_world flagship
  worker_loaders ratelimits vpc_services vpc_networks version_metadata
`
  .trim()
  .split(/\s+/);

/** What the environment may add or change: its own Worker name, the Workers AI binding and the passages' Vectorize index. */
export const ENV_ONLY = ["name", "ai", "vectorize"];

/** The one Vectorize binding the `ai` environment has (src/knowledge/vectors.ts reads it by this name). */
export const VECTORS_BINDING = "KNOWLEDGE_VECTORS";

/** Every difference between the top level and `env.<envName>` other than ENV_ONLY, one message each. */
export function envDrift(config, envName = "ai") {
  const env = config.env?.[envName];
  const at = `env.${envName}`;
  if (!isTable(env)) return [`[${at}] is missing from wrangler.toml`];
  const problems = [];
  if (envName === "ai" && !(isTable(env.ai) && env.ai.binding === "AI")) {
    problems.push(`${at}.ai must be { binding = "AI" } (the one binding this environment exists for)`);
  }
  if (envName === "ai" && !isVectorsBinding(env.vectorize)) {
    problems.push(
      `${at}.vectorize must be [{ binding = "${VECTORS_BINDING}", index_name = "…" }] (semantic retrieval's index, and nothing else)`,
    );
  }
  if ("vectorize" in config) problems.push("vectorize is set at the top level: it is remote-only, [env.ai] holds it");
  const keys = new Set(Object.keys(env));
  for (const key of NOT_INHERITED) if (key in config) keys.add(key);
  for (const key of [...keys].sort()) {
    if (ENV_ONLY.includes(key)) continue;
    if (!(key in env)) problems.push(`${at}.${key} is missing (top level has it; wrangler does not inherit it)`);
    else if (!(key in config)) problems.push(`${at}.${key} is set but the top level has no ${key}`);
    else diff(config[key], env[key], key, at, problems);
  }
  return problems;
}

function diff(top, envValue, path, at, problems) {
  if (isTable(top) && isTable(envValue)) {
    for (const k of union(Object.keys(top), Object.keys(envValue))) {
      const sub = `${path}.${k}`;
      if (!(k in envValue)) problems.push(`${at}.${sub} is missing (top level: ${show(top[k])})`);
      else if (!(k in top)) problems.push(`${at}.${sub} is ${show(envValue[k])} but the top level has no ${sub}`);
      else diff(top[k], envValue[k], sub, at, problems);
    }
    return;
  }
  if (isBindingList(top) && isBindingList(envValue)) {
    const a = byName(top);
    const b = byName(envValue);
    for (const name of union([...a.keys()], [...b.keys()])) {
      const sub = `${path}[${name}]`;
      if (!b.has(name)) problems.push(`${at}.${sub} is missing (top level has binding ${name})`);
      else if (!a.has(name)) problems.push(`${at}.${sub} is set but the top level has no binding ${name}`);
      else diff(a.get(name), b.get(name), sub, at, problems);
    }
    return;
  }
  if (JSON.stringify(top) !== JSON.stringify(envValue)) {
    problems.push(`${at}.${path} is ${show(envValue)} but the top level has ${show(top)}`);
  }
}

const isVectorsBinding = (v) =>
  Array.isArray(v) &&
  v.length === 1 &&
  isTable(v[0]) &&
  v[0].binding === VECTORS_BINDING &&
  typeof v[0].index_name === "string" &&
  v[0].index_name.length > 0 &&
  Object.keys(v[0]).length === 2;
const isTable = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** Arrays of tables named by `binding` (D1, R2, …) or `name` (Durable Objects), compared by that name. */
const bindingName = (v) => (isTable(v) ? (v.binding ?? v.name) : undefined);
const isBindingList = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof bindingName(x) === "string") && byName(v).size === v.length;
const byName = (list) => new Map(list.map((x) => [bindingName(x), x]));
const union = (a, b) => [...new Set([...a, ...b])];
const show = (v) => JSON.stringify(v);
