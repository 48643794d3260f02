import { describe, expect, it } from "vitest";
import policy from "../examples/tavmunka-szabalyzat.md?raw";
import { api, chat, freshTenant, loadDocument } from "./helpers";

const VACATION = `# Szabadság szabályzat

A munkavállalókat évente 25 nap alapszabadság illeti meg. A szabadságot legalább egy héttel előre kell kérni a HR rendszerben. Évente legfeljebb 5 nap szabadság vihető át a következő évre.`;

describe("the seed's two-question conversation against the remote-work policy", () => {
  it("answers both questions from the policy and cites it", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, {
      title: "Távmunka és home office szabályzat",
      body: policy,
      source_url: "https://intranet.example/tavmunka",
    });
    const me = { tenant, user: 1 };

    const first = await api("/api/chat/", {
      as: me,
      body: { query: "Szia! Mi a távmunka szabályzat?", user_context: { tenant_id: tenant, user_id: 1 } },
    });
    expect(first.status).toBe(200);
    expect(first.body.sources[0]).toMatchObject({
      document_id: doc.id,
      title: "Távmunka és home office szabályzat",
      source_url: "https://intranet.example/tavmunka",
    });
    expect(first.body.sources[0].snippet.length).toBeGreaterThan(0);
    expect(first.body.answer).toMatch(/^A tudásbázis szerint: /);
    expect(first.body.answer).toContain("távmunká");
    // Headings are not quoted as statements.
    expect(first.body.answer).not.toMatch(/#|célja és hatálya \[1\]/);
    expect(first.body.answer).toContain("[1] Távmunka és home office szabályzat (https://intranet.example/tavmunka)");

    const second = await api("/api/chat/", {
      as: me,
      body: {
        query: "És mennyi home office nap engedélyezett?",
        user_context: { tenant_id: tenant, user_id: 1 },
        session_id: first.body.session_id,
      },
    });
    expect(second.body.resumed).toBe(true);
    expect(second.body.sources[0].document_id).toBe(doc.id);
    expect(second.body.answer).toContain("legfeljebb két home office napot");
    expect(second.body.answer).toContain("legfeljebb nyolc home office nap engedélyezett");
    // The stored assistant message keeps the sources.
    const history = await api(`/api/sessions/${first.body.session_id}/messages`, { as: me });
    expect(history.body.messages[3].metadata.sources).toEqual(second.body.sources);
    expect(history.body.messages[3].content).toBe(second.body.answer);
  });

  it("reads a follow-up in the light of the previous question", async () => {
    const tenant = freshTenant();
    const remote = await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    const vacation = await loadDocument(tenant, { title: "Szabadság szabályzat", body: VACATION });
    const me = { tenant, user: 1 };
    // Both policies speak of days ("nap"): only the conversation tells which one is meant.
    const aboutRemote = await chat(me, "Mi a távmunka szabályzat?");
    const followRemote = await chat(me, "És hány nap?", aboutRemote.body.session_id);
    expect(followRemote.body.sources.map((s: { document_id: string }) => s.document_id)).toEqual([remote.id]);
    expect(followRemote.body.answer).toContain("home office nap");

    const aboutVacation = await chat(me, "Mi a szabadság szabályzat?");
    expect(aboutVacation.body.sources[0].document_id).toBe(vacation.id);
    const followVacation = await chat(me, "És hány nap?", aboutVacation.body.session_id);
    expect(followVacation.body.sources.map((s: { document_id: string }) => s.document_id)).toEqual([vacation.id]);
    expect(followVacation.body.answer).toContain("25 nap");
  });

  it("matches without accents, and in English questions too", async () => {
    const tenant = freshTenant();
    const doc = await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    const plain = await chat({ tenant, user: 1 }, "tavmunka koltsegterites");
    expect(plain.body.sources[0].document_id).toBe(doc.id);
    expect(plain.body.answer).toContain("15 000 forint");
  });

  it("says plainly when nothing matches, instead of inventing", async () => {
    const tenant = freshTenant();
    await loadDocument(tenant, { title: "Távmunka szabályzat", body: policy });
    const hu = await chat({ tenant, user: 1 }, "Mi lesz ma a menü a kantinban?");
    expect(hu.body.sources).toEqual([]);
    expect(hu.body.answer).toMatch(/^Erre nem találtam választ a céged tudásbázisában/);
    const en = await chat({ tenant, user: 1 }, "What is on the cafeteria menu today?");
    expect(en.body.sources).toEqual([]);
    expect(en.body.answer).toMatch(/^I found nothing in your company's knowledge base/);
  });
});
