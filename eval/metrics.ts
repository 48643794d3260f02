import type { EvalQuestion } from "./env";

/** What the service answered one question with: its cited documents (pack names, in order) and language. */
export interface Outcome {
  question: EvalQuestion;
  cited: string[];
  answerLanguage: "hu" | "en" | "?";
}

export interface Figures {
  questions: number;
  answerable: number;
  unanswerable: number;
  top1: number;
  top3: number;
  mrr: number;
  noAnswerPrecision: number;
  noAnswerRecall: number;
  language: number;
}

const share = (n: number, of: number) => (of === 0 ? 1 : n / of);

/** The rank (1-based) of the first cited document that answers the question, or 0. */
export const rankOf = (o: Outcome) => o.cited.findIndex((name) => o.question.expect.includes(name)) + 1;

/**
 * Source accuracy over the answerable questions (top-1, top-3, MRR), and
 * "no answer" (nothing cited) as a classifier of the unanswerable ones.
 */
export function figures(outcomes: Outcome[]): Figures {
  const answerable = outcomes.filter((o) => o.question.expect.length > 0);
  const unanswerable = outcomes.filter((o) => o.question.expect.length === 0);
  const ranks = answerable.map(rankOf);
  const saidNone = outcomes.filter((o) => o.cited.length === 0);
  const rightlyNone = saidNone.filter((o) => o.question.expect.length === 0);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    top1: share(ranks.filter((r) => r === 1).length, ranks.length),
    top3: share(ranks.filter((r) => r >= 1 && r <= 3).length, ranks.length),
    mrr: share(
      ranks.reduce((sum, r) => sum + (r > 0 ? 1 / r : 0), 0),
      ranks.length,
    ),
    noAnswerPrecision: share(rightlyNone.length, saidNone.length),
    noAnswerRecall: share(rightlyNone.length, unanswerable.length),
    language: share(outcomes.filter((o) => o.answerLanguage === o.question.lang).length, outcomes.length),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The figures as printed lines: the totals, then per kind of question, then every miss (unless `summary`). */
export function report(outcomes: Outcome[], summary = false): string {
  const all = figures(outcomes);
  const lines = [
    `questions ${all.questions} (answerable ${all.answerable}, unanswerable ${all.unanswerable})`,
    `top-1 ${pct(all.top1)}   top-3 ${pct(all.top3)}   MRR ${all.mrr.toFixed(3)}`,
    `"no answer" precision ${pct(all.noAnswerPrecision)}   recall ${pct(all.noAnswerRecall)}`,
    `answer language = question language ${pct(all.language)}`,
    "",
    "by kind:",
  ];
  const kinds = [...new Set(outcomes.map((o) => o.question.kind))];
  for (const kind of kinds) {
    const of = outcomes.filter((o) => o.question.kind === kind);
    const right = of.filter((o) => (o.question.expect.length === 0 ? o.cited.length === 0 : rankOf(o) === 1));
    lines.push(`  ${kind.padEnd(13)} ${right.length}/${of.length} right`);
  }
  if (summary) return lines.join("\n");
  const misses = outcomes.filter((o) => (o.question.expect.length === 0 ? o.cited.length > 0 : rankOf(o) !== 1));
  if (misses.length > 0) lines.push("", "misses:");
  for (const o of misses) {
    const want = o.question.expect.join("|") || "(no answer)";
    lines.push(
      `  ${o.question.id} ${JSON.stringify(o.question.ask)} → ${o.cited.join(", ") || "(no answer)"}; want ${want}`,
    );
  }
  return lines.join("\n");
}
