// Prints a bearer token for the local service: npm run token -- --tenant 1 --user 1 [--role admin] [--ttl 86400]
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";
import { mintToken } from "./lib/jwt.mjs";

const { values } = parseArgs({
  options: {
    tenant: { type: "string", default: "1" },
    user: { type: "string", default: "1" },
    role: { type: "string" },
    ttl: { type: "string", default: "86400" },
  },
});

const secret = process.env.JWT_SECRET ?? readDevVars().JWT_SECRET;
if (!secret) {
  console.error("No JWT_SECRET: run `npm start` once (it creates .dev.vars) or set JWT_SECRET.");
  process.exit(1);
}
const int = (name, v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number`);
    process.exit(1);
  }
  return n;
};

console.log(
  await mintToken(secret, {
    tenantId: int("tenant", values.tenant),
    userId: int("user", values.user),
    role: values.role,
    ttlSeconds: int("ttl", values.ttl),
  }),
);
