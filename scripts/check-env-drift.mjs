// `npm run check:env`: fails, naming each key, where [env.ai] in wrangler.toml drifted from the top level.
import { envDrift } from "./lib/env-drift.mjs";
import { readWranglerToml } from "./lib/wrangler-config.mjs";

const problems = envDrift(readWranglerToml().config, "ai");
if (problems.length > 0) {
  console.error(`wrangler.toml: [env.ai] differs from the top level in ${problems.length} place(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error("Vars and bindings are repeated by hand in [env.ai]; make them equal (only name and ai may differ).");
  process.exit(1);
}
console.log("wrangler.toml: [env.ai] has the top level's vars and bindings, plus AI and the KNOWLEDGE_VECTORS index.");
