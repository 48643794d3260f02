import { randomBytes } from "node:crypto";
import { startFakeUpstream } from "./fake-upstream";
import { startService } from "./service";

/**
 * The browser tests' service: started as `npm start` starts it (see ./service.ts), with random secrets and
 * turns sent to the fake answer service; E2E_ANSWERS=embedded keeps the embedded offline provider instead
 * (the README screenshot). The base URL, the printed sign-in link and the JWT secret reach the tests through
 * process.env, which Playwright's workers inherit.
 */
export default async function globalSetup() {
  const embedded = process.env.E2E_ANSWERS === "embedded";
  const upstream = embedded ? null : await startFakeUpstream();
  const secret = randomBytes(32).toString("hex");
  const service = await startService(secret, {
    SESSION_ID_SECRET: randomBytes(32).toString("hex"),
    ANSWER_URL: upstream?.url ?? "",
  });
  process.env.E2E_BASE_URL = service.base;
  process.env.E2E_SIGN_IN_LINK = service.link;
  process.env.E2E_JWT_SECRET = secret;
  return async () => {
    await service.stop();
    await upstream?.close();
  };
}
