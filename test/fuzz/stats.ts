import type { FuzzRequest } from "./values";
import type { World } from "./world";

/** What a run did, for its printed summary: statuses overall and per endpoint, and the worker's log events. */
export class RunStats {
  requests = 0;
  private readonly statuses = new Map<string, number>();
  private readonly byEndpoint = new Map<string, Record<string, number>>();
  /** The worker's log lines (one JSON object each), by level and event name. */
  readonly logLines: { level: string; event: string }[] = [];
  private readonly started = Date.now();

  count(spec: FuzzRequest, status: number, streamed: boolean): void {
    this.requests++;
    const key = `${status}${streamed ? " sse" : ""}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    const perEndpoint = this.byEndpoint.get(spec.endpoint) ?? {};
    perEndpoint[key] = (perEndpoint[key] ?? 0) + 1;
    this.byEndpoint.set(spec.endpoint, perEndpoint);
  }

  log(level: string, line: unknown): void {
    let event = String(line).slice(0, 80);
    try {
      event = JSON.parse(String(line)).event ?? event;
    } catch {
      // not one of the worker's JSON lines: keep its start
    }
    this.logLines.push({ level, event });
  }

  errorLines(): number {
    return this.logLines.filter((l) => l.level === "error").length;
  }

  get fiveXx(): number {
    return [...this.statuses].filter(([k]) => Number.parseInt(k, 10) >= 500).reduce((n, [, c]) => n + c, 0);
  }

  summary(seed: number, world: World) {
    const sessions = [...world.sessions.values()];
    const notable = this.logLines.filter((l) => l.level !== "log").map((l) => `${l.level}:${l.event}`);
    return {
      requests: this.requests,
      seed,
      seconds: (Date.now() - this.started) / 1000,
      statuses: Object.fromEntries([...this.statuses].sort()),
      five_xx: this.fiveXx,
      sessions: sessions.length,
      messages: sessions.reduce((n, s) => n + s.messages.size, 0),
      fates: Object.fromEntries(
        ["live", "deleted", "erased"].map((f) => [f, sessions.filter((s) => s.fate === f).length]),
      ),
      warnings: Object.fromEntries([...new Set(notable)].map((k) => [k, notable.filter((n) => n === k).length])),
    };
  }

  perEndpoint(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.byEndpoint].sort());
  }
}
