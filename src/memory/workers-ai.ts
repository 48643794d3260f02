import type { AiRunner } from "../lib/ai";
import type { MessageView } from "../session-types";
import { detectLanguage } from "../text/language";
import { ExtractiveSummarizer } from "./extractive";
import type { Summarizer, SummaryDraft } from "./summarizer";

/** The newest part of a long transcript that fits the model's context. */
const MAX_TRANSCRIPT_CHARS = 12_000;

const SYSTEM_PROMPT =
  "You summarise a workplace assistant conversation for the user's long-term memory. " +
  "Write 2-4 sentences in the conversation's language, stating what the user wanted and what they learned. " +
  "Then, on the last line, write 'TOPICS:' followed by up to 6 comma-separated key topics.";

/** Summaries by a Workers AI chat model; topics fall back to the extractive ones if the model gives none. */
export class WorkersAiSummarizer implements Summarizer {
  readonly method = "workers-ai";

  constructor(
    private readonly ai: AiRunner,
    private readonly model: string,
  ) {}

  async summarize(messages: MessageView[]): Promise<SummaryDraft> {
    let transcript = "";
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i] as MessageView;
      const line = `${m.role}: ${m.content}\n`;
      if (transcript.length + line.length > MAX_TRANSCRIPT_CHARS) break;
      transcript = line + transcript;
    }
    const result = (await this.ai.run(this.model, {
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: transcript },
      ],
    })) as { response?: unknown };
    const raw = typeof result?.response === "string" ? result.response.trim() : "";
    if (raw.length === 0) throw new Error("Workers AI returned no summary");
    const topicLine = /^\s*TOPICS:\s*(.*)$/im.exec(raw);
    const text = raw.replace(/^\s*TOPICS:.*$/im, "").trim();
    const topics =
      topicLine?.[1]
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean)
        .slice(0, 6) ?? [];
    const keyTopics = topics.length > 0 ? topics : (await new ExtractiveSummarizer().summarize(messages)).keyTopics;
    const language = detectLanguage(messages.map((m) => m.content).join(" "));
    return { text: text || raw, keyTopics, method: this.method, model: this.model, language };
  }
}
