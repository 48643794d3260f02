// Prints a bearer token for the local service: npm run token -- --tenant 1 --user 1 [--role admin] [--ttl 86400]
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { readDevVars } from "./dev-vars.mjs";

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

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");
const payload = {
  tenant_id: int("tenant", values.tenant),
  user_id: int("user", values.user),
  exp: Math.floor(Date.now() / 1000) + int("ttl", values.ttl),
  ...(values.role ? { role: values.role } : {}),
};
const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
const signature = createHmac("sha256", secret).update(unsigned).digest("base64url");
console.log(`${unsigned}.${signature}`);
