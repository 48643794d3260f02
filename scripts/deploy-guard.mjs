// `npm run deploy` / `deploy:ai`, step 1: refuse while wrangler.toml cannot describe production.
// (Takes another config path as its argument, for its tests.)
import { PLACEHOLDER_D1_ID, unsetD1Ids } from "./lib/d1-id.mjs";
import { envDrift } from "./lib/env-drift.mjs";
import { readWranglerToml } from "./lib/wrangler-config.mjs";

const { config } = readWranglerToml(process.argv[2]);
const unset = unsetD1Ids(config);
if (unset.length > 0) {
  console.error(
    `Refusing to deploy: wrangler.toml still has the placeholder D1 database id ${PLACEHOLDER_D1_ID} ` +
      `(${unset.join(", ")}).\n` +
      "Run `npm run deploy:setup` first: it creates the D1 database and the R2 bucket, writes the database id " +
      'into both environments and sets the secrets (README, "Deploy").',
  );
  process.exit(1);
}
const drift = envDrift(config, "ai");
if (drift.length > 0) {
  console.error("Refusing to deploy: [env.ai] in wrangler.toml differs from the top level:");
  for (const p of drift) console.error(`  - ${p}`);
  process.exit(1);
}
