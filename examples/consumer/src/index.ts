// The seed's Python, from another Worker: create a session, chat twice, read the history, end it.
// No HTTP, no JSON, no token: the Service Binding's RPC, typed by SessionServiceApi.
import type { Result, SessionServiceApi } from "../../../src/rpc/api";

interface ConsumerEnv {
  SESSIONS: SessionServiceApi;
}

/** A refusal (status and code as the HTTP API's) becomes this Worker's own error. */
function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.status} ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export default {
  async fetch(request: Request, env: ConsumerEnv): Promise<Response> {
    const url = new URL(request.url);
    const who = {
      tenantId: Number(url.searchParams.get("tenant") ?? 1),
      userId: Number(url.searchParams.get("user") ?? 1),
    };
    try {
      const session = ok(await env.SESSIONS.createSession(who));
      const first = ok(
        await env.SESSIONS.chat(who, { query: "Szia! Mi a távmunka szabályzat?", session_id: session.id }),
      );
      const second = ok(
        await env.SESSIONS.chat(who, { query: "És mennyi home office nap engedélyezett?", session_id: session.id }),
      );
      const history = ok(await env.SESSIONS.getConversationHistory(who, session.id, { limit: 10 }));
      const active = ok(await env.SESSIONS.getActiveSessionsForUser(who));
      const ended = ok(await env.SESSIONS.endSession(who, session.id));
      return Response.json({
        session_id: session.id,
        resumed: second.resumed,
        answers: [first.answer, second.answer],
        history: history.messages.map((m) => `${m.seq} ${m.role}: ${m.content.slice(0, 60)}`),
        active_before_end: active.sessions.length,
        status_after_end: ended.status,
      });
    } catch (err) {
      return Response.json({ error: (err as Error).message }, { status: 502 });
    }
  },
};
