import { detectLanguage } from "../answer/language";
import { clip } from "../lib/clip";
import type { MessageView } from "../session-types";
import type { Summarizer, SummaryDraft } from "./summarizer";
import { contentTerms, splitSentences } from "./text";

const MAX_TOPICS = 6;
const MAX_QUESTIONS = 3;
const MAX_KEY_SENTENCES = 2;

/**
 * The embedded summariser: offline, deterministic, extractive. Topics are the
 * most frequent content stems (user turns count double: they say what the
 * conversation is about); the summary names them, quotes the user's main
 * questions and keeps the answer sentences that cover the topics best.
 */
export class ExtractiveSummarizer implements Summarizer {
  readonly method = "extractive";

  async summarize(messages: MessageView[], totalMessages = messages.length): Promise<SummaryDraft> {
    const userText = messages.filter((m) => m.role === "user").map((m) => m.content);
    const language = detectLanguage(userText.join(" ") || messages.map((m) => m.content).join(" "));

    const weight = new Map<string, number>();
    const surface = new Map<string, Map<string, number>>();
    for (const m of messages) {
      const w = m.role === "user" ? 2 : m.role === "assistant" ? 1 : 0.5;
      for (const [s, word] of contentTerms(m.content)) {
        weight.set(s, (weight.get(s) ?? 0) + w);
        const forms = surface.get(s) ?? new Map<string, number>();
        forms.set(word, (forms.get(word) ?? 0) + 1);
        surface.set(s, forms);
      }
    }
    const ranked = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    // Shown as the shortest frequent form: "szabályzat" rather than "szabályzatról".
    const display = (s: string) =>
      [...(surface.get(s) ?? new Map()).entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0]?.[0] ??
      s;
    const keyTopics = ranked.slice(0, MAX_TOPICS).map(([s]) => display(s));
    const topStems = new Map(ranked.slice(0, 12));

    const questions = userText
      .map((t) => clip(t.trim().replace(/\s+/g, " "), 140))
      .filter((t) => t.length > 0)
      .slice(0, MAX_QUESTIONS);

    const sentences = messages
      .filter((m) => m.role === "assistant")
      .flatMap((m) => splitSentences(m.content))
      .map((sentence, order) => {
        const terms = new Set(contentTerms(sentence).map(([s]) => s));
        let score = 0;
        for (const t of terms) score += topStems.get(t) ?? 0;
        return { sentence, order, score: score / Math.sqrt(terms.size + 1) };
      })
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_KEY_SENTENCES)
      .sort((a, b) => a.order - b.order)
      .map((x) => clip(x.sentence, 240));

    const quote = (q: string) => (language === "hu" ? `„${q}”` : `"${q}"`);
    const parts =
      language === "hu"
        ? [
            keyTopics.length > 0
              ? `A beszélgetés témái: ${keyTopics.join(", ")}.`
              : "A beszélgetésnek nincs kivehető témája.",
            questions.length > 0 ? `A felhasználó kérdései: ${questions.map(quote).join("; ")}.` : "",
            sentences.length > 0 ? `Fontos válaszok: ${sentences.join(" ")}` : "",
            `(${totalMessages} üzenet)`,
          ]
        : [
            keyTopics.length > 0 ? `Topics: ${keyTopics.join(", ")}.` : "No clear topic.",
            questions.length > 0 ? `The user asked: ${questions.map(quote).join("; ")}.` : "",
            sentences.length > 0 ? `Key answers: ${sentences.join(" ")}` : "",
            `(${totalMessages} messages)`,
          ];
    return { text: parts.filter(Boolean).join(" "), keyTopics, method: this.method, model: null, language };
  }
}
