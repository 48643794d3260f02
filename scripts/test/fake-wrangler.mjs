// A stand-in for the Cloudflare account behind wrangler, for deploy-setup.test.mjs: answers the commands
// deploy:setup runs with wrangler 4's output shapes, keeping the account in FAKE_CF_STATE (a JSON file).
import { readFileSync, writeFileSync } from "node:fs";

const file = process.env.FAKE_CF_STATE;
const state = JSON.parse(readFileSync(file, "utf8"));
const args = process.argv.slice(2);
state.calls.push(args);
const save = () => writeFileSync(file, JSON.stringify(state, null, 2));
const env = args.includes("--env") ? args[args.indexOf("--env") + 1] : "";
const worker = env ? `knowledge-router-sessions-${env}` : "knowledge-router-sessions";
const out = (text) => process.stdout.write(`${text}\n`);
const error = (text) => {
  process.stderr.write(`✘ [ERROR] ${text}\n`);
  save();
  process.exit(1);
};
const stdin = () => readFileSync(0, "utf8");

const firstFlag = args.findIndex((a) => a.startsWith("--"));
const command = (firstFlag < 0 ? args : args.slice(0, firstFlag)).join(" "); // the positionals come first

if (state.loggedOut) {
  error("In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable");
} else if (command.startsWith("d1 create ")) {
  const name = args[2];
  if (state.d1.some((db) => db.name === name)) error("A database with that name already exists");
  state.d1.push({ uuid: "5d1f0a9e-7c2b-4e3a-9f10-0123456789ab", name, created_at: "2026-11-25T00:00:00Z" });
  out(`✅ Successfully created DB '${name}' in region WEUR\nCreated your new D1 database.`);
} else if (command === "d1 list") {
  out(JSON.stringify(state.d1, null, 2));
} else if (command.startsWith("r2 bucket create ")) {
  const name = args[3];
  if (state.r2.includes(name)) {
    error(
      "A request to the Cloudflare API (/accounts/x/r2/buckets) failed.\n\n" +
        "  The bucket you tried to create already exists, and you own it. [code: 10004]",
    );
  }
  state.r2.push(name);
  out(`Creating bucket '${name}'...\n✅ Created bucket '${name}' with default storage class of Standard.`);
} else if (command.startsWith("vectorize create ")) {
  const name = args[2];
  state.vectorize ??= [];
  if (state.vectorize.some((v) => v.name === name)) {
    // The API's code for a taken name (its message does not say "already exists").
    error(
      "A request to the Cloudflare API (/accounts/x/vectorize/v2/indexes) failed.\n\n" +
        `  vectorize.index.duplicate_name - Index name "${name}" is already in use [code: 3002]`,
    );
  }
  state.vectorize.push({ name, dimensions: Number(args.find((a) => a.startsWith("--dimensions="))?.split("=")[1]) });
  out(`🚧 Creating index: '${name}'\n✅ Successfully created a new Vectorize index: '${name}'`);
} else if (command === "secret list") {
  const secrets = state.secrets[worker];
  if (!secrets)
    error(
      `Worker "${worker}"${env ? ` (env: ${env})` : ""} not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`,
    );
  out(
    JSON.stringify(
      Object.keys(secrets).map((name) => ({ name, type: "secret_text" })),
      null,
      "  ",
    ),
  );
} else if (command === "secret bulk") {
  const values = JSON.parse(stdin());
  state.secrets[worker] = { ...state.secrets[worker], ...values };
  for (const key of Object.keys(values)) out(`✨ Successfully created secret for key: ${key}`);
} else {
  error(`fake wrangler: unexpected command ${args.join(" ")}`);
}
save();
