// The benchmark's printed table (stdout); the same figures go to bench/results/latest.json.

const num = (x, width = 10) => (x === undefined || x === null ? "–" : String(x)).padStart(width);
const stat = (s) => `${num(s.p50)}${num(s.p95)}${num(s.mean)}`;
const heads = (who) => `${num(`${who} p50`)}${num("p95")}${num("mean")}`;
const verdict = (ok) => (ok ? "met" : "NOT met");

function latencyTable(r, n) {
  console.log(`\nLatency, ms (one client, ours and floor interleaved, n=${n} each after warm-up)`);
  console.log(
    `${"".padEnd(8)}${heads("ours")} |${heads("floor")} |${num("ours/floor p50", 15)}${num("p95", 6)} | goal`,
  );
  for (const [op, x] of Object.entries(r)) {
    const goal = `≤ ${x.goal}: p50 ${verdict(x.met.p50)}, p95 ${verdict(x.met.p95)}`;
    console.log(
      `${op.padEnd(8)}${stat(x.ours)} |${stat(x.floor)} |${num(x.ratio.p50, 15)}${num(x.ratio.p95, 6)} | ${goal}`,
    );
  }
}

function throughputTable(r, seconds) {
  console.log(
    `\nThroughput: ${r.clients} concurrent clients appending over ${r.sessions} sessions, ${r.rounds ?? 1} alternating rounds of ${seconds} s`,
  );
  for (const name of ["ours", "floor"]) {
    const x = r[name];
    if (!x) continue;
    const failed = x.failed ? `, ${x.failed} FAILED (${x.first_error})` : "";
    console.log(
      `${name.padEnd(8)}${num(x.per_second, 9)} appends/s  (${x.appends} in ${x.seconds} s${failed}; latency p50 ${x.latency.p50} ms, p95 ${x.latency.p95} ms; rounds ${(x.rounds ?? []).join(", ")})`,
    );
  }
  if (r.ratio === undefined) return;
  console.log(
    `ours/floor, median of the rounds' ratios (${(r.round_ratios ?? []).join(", ")}): ${r.ratio} (goal ≥ ${r.goal}: ${verdict(r.met)})`,
  );
  if (r.ratio_of_medians !== undefined) console.log(`(ratio of the two median rounds: ${r.ratio_of_medians})`);
}

function writesTable(r) {
  console.log("\nD1 index writes (counted by triggers on chat_sessions in the service's local D1)");
  console.log(`probe upsert (insert, newer, stale): ${JSON.stringify(r.probe)}`);
  for (const [name, x] of Object.entries({ appends: r.appends, turns: r.turns })) {
    console.log(
      `${name.padEnd(8)} ${x.messages} messages in ${x.burst_ms} ms, then ${x.settle_ms} ms: ` +
        `${x.statements} upsert statements, ${x.rows_written} rows written → ${x.statements_per_100} statements, ` +
        `${x.rows_per_100} row writes per 100 messages`,
    );
  }
}

function scalingTable(r) {
  const fills = Object.entries(r.fill_seconds)
    .map(
      ([name, bySize]) =>
        `${name} ${Object.entries(bySize)
          .map(([n, t]) => `${n} in ${t} s`)
          .join(", ")}`,
    )
    .join("; ");
  console.log(`\nHistory length, ms (ours and floor, both sizes interleaved). Filled: ${fills}`);
  console.log(`(ours ${r.fill_parallel} appends in flight, the floor in one bulk request)`);
  console.log(`${"".padEnd(12)}${heads("ours")} |${heads("floor")} |${num("ours/floor p50", 15)}${num("p95", 6)}`);
  for (const [name, x] of Object.entries(r.results)) {
    const ratio = (k) => Math.round((x.ours[k] / x.floor[k]) * 100) / 100;
    console.log(`${name.padEnd(12)}${stat(x.ours)} |${stat(x.floor)} |${num(ratio("p50"), 15)}${num(ratio("p95"), 6)}`);
  }
}

export function printReport(out) {
  const { results, options } = out;
  console.log(`\n${out.date}  ${out.machine.cpus} × ${out.machine.cpu}, wrangler ${out.wrangler}`);
  console.log(`load average at start ${out.load_average.start.join(" ")}, at end ${out.load_average.end.join(" ")}`);
  if (results.latency) latencyTable(results.latency, options.iterations);
  if (results.throughput) throughputTable(results.throughput, options.seconds);
  if (results.writes) writesTable(results.writes);
  if (results.scaling) scalingTable(results.scaling);
  if (results.bundle) {
    console.log(
      `\nBundle (wrangler deploy --dry-run): ${results.bundle.upload_kib} KiB, gzip ${results.bundle.gzip_kib} KiB`,
    );
  }
}
