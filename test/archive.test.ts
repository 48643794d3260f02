import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey } from "../src/session/archive-keys";
import { api, authHeaders, freshTenant, sessionWithTurns } from "./helpers";

async function transcript(me: { tenant: number; user: number }, id: string) {
  const res = await exports.default.fetch(
    new Request(`http://sessions.test/api/sessions/${id}/transcript`, { headers: await authHeaders(me) }),
  );
  const text = await res.text();
  return {
    res,
    lines:
      text.trim() === ""
        ? []
        : text
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l)),
  };
}

describe("ENABLE_SESSION_ARCHIVING", () => {
  it("an ended session's transcript is written to R2 as JSON Lines and served back", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "És mennyi home office nap?"]);
    const history = (await api(`/api/sessions/${id}/messages`, { as: me })).body.messages;
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });

    const object = await env.ARCHIVE.get(archiveKey(me.tenant, 1, id));
    expect(object).not.toBeNull();
    const stored = (await object?.text())
      ?.trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(stored).toEqual(history);

    const { res, lines } = await transcript(me, id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    expect(res.headers.get("x-transcript-source")).toBe("archive");
    expect(lines).toEqual(history);
    // History reads keep working after the archive is written.
    expect((await api(`/api/sessions/${id}/messages`, { as: me })).body.messages).toEqual(history);
  });

  it("an active session's transcript comes from the session itself; strangers get 404", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["hello"]);
    const { res, lines } = await transcript(me, id);
    expect(res.headers.get("x-transcript-source")).toBe("session");
    expect(lines.map((m) => m.role)).toEqual(["user", "assistant"]);
    const stranger = await transcript({ tenant: me.tenant, user: 2 }, id);
    expect(stranger.res.status).toBe(404);
  });
});
