// Reading a V8 .cpuprofile (DevTools Profiler.stop): self and total time by function, by source module and by
// package. wrangler bundles a worker with esbuild, which marks where each module starts with a `// path`
// comment line; a frame's line in the bundle therefore names its module (src/…, node_modules/<package>/…).

const SPECIAL = new Set(["(program)", "(idle)", "(garbage collector)", "(root)"]);
const MODULE_MARK = /^\/\/ (\S+\.(?:[cm]?[jt]sx?))$/;

/** [first line, module path] of each module in an esbuild bundle, in order. */
function moduleStarts(source) {
  const starts = [];
  source.split("\n").forEach((line, i) => {
    const m = MODULE_MARK.exec(line);
    if (m) starts.push([i, m[1]]);
  });
  return starts;
}

/** The package of a module path: node_modules/<pkg> (scoped too), else the path itself (src/…). */
export function packageOf(module) {
  const at = module.lastIndexOf("node_modules/");
  if (at < 0) return module.startsWith("src/") ? "src (ours)" : module;
  const parts = module.slice(at + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? module);
}

/** Where a call frame comes from: a module of a bundle, a built-in script of workerd, or native code. */
function locator(sources) {
  const maps = new Map();
  return (frame) => {
    if (frame.module) return frame.module; // annotated by annotate() below
    if (SPECIAL.has(frame.functionName)) return frame.functionName;
    if (!frame.url) return "(native)";
    const source = sources.get(frame.scriptId);
    if (source === undefined) return frame.url;
    if (!maps.has(frame.scriptId)) maps.set(frame.scriptId, moduleStarts(source));
    const starts = maps.get(frame.scriptId);
    let found = null;
    for (const [line, module] of starts) {
      if (line > frame.lineNumber) break;
      found = module;
    }
    return found ?? frame.url;
  };
}

/** The profile with each call frame's module (`callFrame.module`), so it can be read again without sources. */
export function annotate(profile, sources) {
  const where = locator(sources);
  for (const n of profile.nodes) n.callFrame.module = where(n.callFrame);
  return profile;
}

const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
const sorted = (map, n = Number.POSITIVE_INFINITY) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us) / 1000 }));

/**
 * Aggregates a profile. `sources`: scriptId → source text (for module names). Returns the profile's wall
 * time, time by kind ((program): workerd's C++ while the isolate is entered, (idle), GC, (native): API
 * calls, JS), and self/total time by function, module and package (ms), plus `inclusive(test)`: ms of the
 * samples whose stack holds a frame with test(frame, module) true.
 */
export function analyse(profile, sources = new Map()) {
  const where = locator(sources);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // DevTools lets sample i last until sample i + 1. But workerd runs many isolates on one thread, and V8
  // samples an isolate only while it is entered: the gap while other isolates run (or none does) would be
  // credited to the last sample before it. So a sample weighs at most 1.5 typical sampling intervals.
  const self = new Map();
  const { samples, timeDeltas } = profile;
  const gaps = timeDeltas.slice(1).sort((a, b) => a - b);
  const cap = 1.5 * (gaps[Math.floor(gaps.length / 2)] ?? 0);
  for (let i = 0; i + 1 < samples.length; i++) add(self, samples[i], Math.min(timeDeltas[i + 1], cap));
  const stack = (id) => {
    const frames = [];
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = nodes.get(at);
      if (n.callFrame.functionName !== "(root)") frames.push({ frame: n.callFrame, module: where(n.callFrame) });
    }
    return frames;
  };
  const fnKey = ({ frame, module }) =>
    SPECIAL.has(frame.functionName)
      ? frame.functionName
      : `${frame.functionName || "(anonymous)"}  ${module}:${frame.lineNumber + 1}`;
  const kinds = new Map();
  const fnSelf = new Map();
  const fnTotal = new Map();
  const modSelf = new Map();
  const pkgSelf = new Map();
  const stacks = [];
  for (const [id, us] of self) {
    const frames = stack(id);
    stacks.push([frames, us]);
    const top = frames[0];
    if (!top) continue;
    const name = top.frame.functionName;
    add(kinds, SPECIAL.has(name) ? name : name === "" && !top.frame.url ? "(native)" : "JS", us);
    add(fnSelf, fnKey(top), us);
    add(modSelf, top.module, us);
    add(pkgSelf, SPECIAL.has(name) ? name : packageOf(top.module), us);
    for (const key of new Set(frames.map(fnKey))) add(fnTotal, key, us);
  }
  const wallUs = profile.endTime - profile.startTime;
  return {
    wall_ms: Math.round(wallUs) / 1000,
    sample_cap_us: cap,
    sampled_ms: Math.round([...self.values()].reduce((a, b) => a + b, 0)) / 1000,
    samples: samples.length,
    kinds: sorted(kinds),
    packages: sorted(pkgSelf),
    modules: sorted(modSelf),
    self: sorted(fnSelf),
    total: sorted(fnTotal),
    /**
     * Busy time (not idle) by the innermost frame of our own code (module starting with `prefix`), with
     * the library, native and runtime time under it: what each of our files and functions costs in all.
     */
    byOwner(prefix, n = Number.POSITIVE_INFINITY) {
      const files = new Map();
      const functions = new Map();
      for (const [frames, t] of stacks) {
        const top = frames[0]?.frame.functionName;
        if (top === undefined || top === "(idle)") continue;
        const own = frames.find(({ module }) => module.startsWith(prefix));
        const key = own ? own.module : SPECIAL.has(top) ? top : `(outside ${prefix}) ${frames[0].module}`;
        add(files, key, t);
        add(functions, own ? fnKey(own) : key, t);
      }
      return { files: sorted(files, n), functions: sorted(functions, n) };
    },
    /**
     * Busy time (not idle) by `classify(frames)` (innermost frame first, each {frame, module}), which names
     * the path a sample belongs to, e.g. the request in the worker, the object's append, the alarm.
     */
    byPath(classify) {
      const paths = new Map();
      for (const [frames, t] of stacks) {
        if (frames[0] && frames[0].frame.functionName !== "(idle)") add(paths, classify(frames), t);
      }
      return sorted(paths);
    },
    inclusive(test) {
      let us = 0;
      for (const [frames, t] of stacks) if (frames.some(({ frame, module }) => test(frame, module))) us += t;
      return Math.round(us) / 1000;
    },
  };
}
