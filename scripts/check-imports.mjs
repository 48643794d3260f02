// `npm run check:imports`: no import cycle between files of src/, and no folder of src/ that imports
// a folder which imports it back. Type-only imports count too: a cycle of types is still a tangle.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname, "src");
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) files.push(path);
  }
})(root);

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']/g;
function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const graph = new Map(files.map((f) => [f, new Set()]));
for (const file of files) {
  for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const target = resolveImport(file, m[1]);
    if (target) graph.get(file).add(target);
  }
}

/** Every elementary cycle found by DFS (one per back edge), as a list of nodes. */
function cycles(g) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (n) => {
    state.set(n, "open");
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      if (state.get(m) === "open") found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return found;
}

const folderOf = (f) => relative(root, dirname(f)) || ".";
const folders = new Map();
for (const [file, targets] of graph) {
  const from = folderOf(file);
  if (!folders.has(from)) folders.set(from, new Set());
  for (const t of targets) if (folderOf(t) !== from) folders.get(from).add(folderOf(t));
}

const show = (cycle, name) => cycle.map(name).join(" -> ");
const fileCycles = cycles(graph);
// Top-level files (src/*.ts) are the composition root; only folders below it must not import each other back.
const folderCycles = cycles(new Map([...folders].filter(([f]) => f !== "."))).filter((c) => !c.includes("."));
for (const c of fileCycles) console.error(`import cycle: ${show(c, (f) => relative(root, f))}`);
for (const c of folderCycles) console.error(`folder cycle: ${show(c, (f) => `${f}/`)}`);
if (fileCycles.length + folderCycles.length > 0) process.exit(1);
console.log(`imports: ${files.length} files, no cycles between files or folders`);
