// What deploy:setup puts into each environment's secrets, given what is already there.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planSecrets } from "../lib/secrets-plan.mjs";

const counter = () => {
  let n = 0;
  return () => `generated-${++n}`;
};

test("a fresh account gets generated required secrets, the same value in both environments", () => {
  const plan = planSecrets({ "": [], ai: [] }, {}, counter());
  assert.deepEqual(plan.put, {
    "": { JWT_SECRET: "generated-1", SESSION_ID_SECRET: "generated-2" },
    ai: { JWT_SECRET: "generated-1", SESSION_ID_SECRET: "generated-2" },
  });
  assert.deepEqual(plan.generated, ["JWT_SECRET", "SESSION_ID_SECRET"]);
  assert.deepEqual(plan.errors, []);
});

test("a second run changes nothing: set secrets are kept, never regenerated", () => {
  const set = ["JWT_SECRET", "SESSION_ID_SECRET"];
  const plan = planSecrets({ "": set, ai: set }, {}, counter());
  assert.deepEqual(plan.put, { "": {}, ai: {} });
  assert.deepEqual(plan.generated, []);
});

test("given values are used; SESSION_ID_SECRET is never replaced where it is set", () => {
  const plan = planSecrets(
    { "": ["SESSION_ID_SECRET"], ai: [] },
    { JWT_SECRET: "idp-secret", SESSION_ID_SECRET: "same-as-before", ANSWER_TOKEN: "tok" },
    counter(),
  );
  assert.deepEqual(plan.put, {
    "": { JWT_SECRET: "idp-secret", ANSWER_TOKEN: "tok" },
    ai: { JWT_SECRET: "idp-secret", SESSION_ID_SECRET: "same-as-before", ANSWER_TOKEN: "tok" },
  });
  assert.deepEqual(plan.generated, []);
});

test("a required secret set in one environment only stops the plan instead of diverging", () => {
  const plan = planSecrets({ "": ["JWT_SECRET", "SESSION_ID_SECRET"], ai: ["JWT_SECRET"] }, {}, counter());
  assert.equal(plan.errors.length, 1);
  assert.match(plan.errors[0], /SESSION_ID_SECRET is set in the default environment but not in --env ai/);
  assert.match(plan.errors[0], /SESSION_ID_SECRET=<the value already set> npm run deploy:setup/);
  assert.deepEqual(plan.put.ai, {});
});

test("ANSWER_TOKEN is optional: never generated", () => {
  const plan = planSecrets({ "": [], ai: [] }, {}, counter());
  assert.ok(!("ANSWER_TOKEN" in plan.put[""]));
  assert.ok(plan.notes.some((n) => n.startsWith("ANSWER_TOKEN: not set (optional")));
});
