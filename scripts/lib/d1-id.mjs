// The D1 database id in wrangler.toml: the placeholder the repo ships with, and writing the real one.
import { parse } from "smol-toml";

export const PLACEHOLDER_D1_ID = "00000000-0000-0000-0000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Each D1 binding, top level and per environment, with where it sits ("d1_databases[DB]", "env.ai.d1_databases[DB]"). */
export function d1Bindings(config) {
  const scopes = [["", config], ...Object.entries(config.env ?? {}).map(([name, env]) => [`env.${name}.`, env])];
  return scopes.flatMap(([prefix, scope]) =>
    (scope.d1_databases ?? []).map((db) => ({ where: `${prefix}d1_databases[${db.binding}]`, db })),
  );
}

/** Where a D1 binding still has the placeholder (or no) database_id: nothing there can be deployed. */
export function unsetD1Ids(config) {
  return d1Bindings(config)
    .filter(({ db }) => !db.database_id || db.database_id === PLACEHOLDER_D1_ID)
    .map(({ where }) => where);
}

/**
 * wrangler.toml's text with `binding`'s database_id set to `id` at the top level and in every environment.
 * Edits the text (comments and layout stay) and proves the result parses to exactly the intended config.
 */
export function withD1Id(text, binding, id) {
  if (!UUID.test(id)) throw new Error(`"${id}" is not a D1 database id (a UUID)`);
  const config = parse(text);
  const targets = d1Bindings(config).filter(({ db }) => db.binding === binding);
  if (targets.length === 0) throw new Error(`wrangler.toml has no d1_databases entry with binding = "${binding}"`);
  const oldIds = new Set(targets.map(({ db }) => db.database_id));
  const next = text.replace(/(\bdatabase_id\s*=\s*)"([^"]*)"/g, (line, key, old) =>
    oldIds.has(old) ? `${key}"${id}"` : line,
  );
  for (const { db } of targets) db.database_id = id;
  if (JSON.stringify(parse(next)) !== JSON.stringify(config)) {
    throw new Error(`could not set ${binding}'s database_id by editing the text; set it to ${id} by hand`);
  }
  return next;
}

/** The id of the database called `name` in the output of `wrangler d1 list --json`. */
export function databaseIdByName(listOutput, name) {
  const databases = jsonListIn(listOutput);
  if (!databases) throw new Error("`wrangler d1 list --json` printed no JSON list");
  const found = databases.find((db) => db.name === name);
  if (!found?.uuid) throw new Error(`no D1 database named ${name} in this account`);
  return found.uuid;
}

/** The JSON array a command printed, from the line it starts on (banners and "[ERROR]" lines do not parse). */
export function jsonListIn(output) {
  const start = output.search(/^\[/m);
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(output.slice(start));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
