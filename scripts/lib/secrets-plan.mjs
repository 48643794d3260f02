// Which Worker secrets `npm run deploy:setup` puts where. Secrets are write-only in Cloudflare, so a value set
// in one environment can never be copied to another: the plan refuses rather than let the two differ.

export const REQUIRED_SECRETS = ["JWT_SECRET", "SESSION_ID_SECRET"];
export const OPTIONAL_SECRETS = ["ANSWER_TOKEN"];
/** Session ids are sealed with it: replacing it orphans every existing session. */
export const NEVER_ROTATE = ["SESSION_ID_SECRET"];

/**
 * existing: { [env]: names already set } ("" is the top level); provided: values the operator passed in
 * (environment variables); generate(): a fresh random value.
 * → { put: { [env]: { NAME: value } }, generated: names, notes: lines, errors: lines }
 */
export function planSecrets(existing, provided, generate) {
  const envs = Object.keys(existing);
  const plan = { put: Object.fromEntries(envs.map((e) => [e, {}])), generated: [], notes: [], errors: [] };
  const label = (list) => list.map((e) => (e === "" ? "the default environment" : `--env ${e}`)).join(" and ");
  const putInto = (list, name, value) => {
    for (const e of list) plan.put[e][name] = value;
  };

  for (const name of [...REQUIRED_SECRETS, ...OPTIONAL_SECRETS]) {
    const has = envs.filter((e) => existing[e].includes(name));
    const missing = envs.filter((e) => !existing[e].includes(name));
    const value = provided[name];
    if (value && NEVER_ROTATE.includes(name) && has.length > 0) {
      putInto(missing, name, value);
      plan.notes.push(
        `${name}: kept in ${label(has)} (never rotated)${missing.length ? `; the given value goes to ${label(missing)}` : ""}`,
      );
    } else if (value) {
      putInto(envs, name, value);
      plan.notes.push(`${name}: the given value goes to ${label(envs)}`);
    } else if (missing.length === 0) {
      plan.notes.push(`${name}: already set in ${label(envs)}, kept`);
    } else if (OPTIONAL_SECRETS.includes(name)) {
      plan.notes.push(`${name}: not set (optional; pass ${name}=… to set it)`);
    } else if (has.length === 0) {
      putInto(envs, name, generate());
      plan.generated.push(name);
      plan.notes.push(`${name}: generated, goes to ${label(envs)}`);
    } else {
      plan.errors.push(
        `${name} is set in ${label(has)} but not in ${label(missing)}, and secrets cannot be read back: ` +
          `run again with ${name}=<the value already set> npm run deploy:setup`,
      );
    }
  }
  return plan;
}
