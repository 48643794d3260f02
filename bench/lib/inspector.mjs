// The Chrome DevTools Protocol of a `wrangler dev` server, for the by-hand profiler (bench/profile.mjs).
// wrangler's own --inspector-port proxies the user worker's isolate (the worker and its Durable Objects),
// and holds workerd's one session of that isolate, so the user worker is profiled through it. workerd's
// inspector (the process started with --inspector-addr, on a port of its own choosing) lists every other
// isolate of the process too, miniflare's (core:entry, the local D1): those are reached there directly.
import { execFileSync } from "node:child_process";

/** pid and command line of every process in the group `pgid` (a server started by processes.mjs). */
export function groupProcesses(pgid) {
  const out = execFileSync("ps", ["-o", "pid=,args=", "-g", String(pgid)], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter(Boolean)
    .map(([, pid, args]) => ({ pid: Number(pid), args }));
}

/**
 * TCP ports `pid` listens on (from `ss`, which names the owning process), in the order workerd opened them:
 * its entry socket, its inspector, then its capnp debug port (which must not get an HTTP request).
 */
function listeningPorts(pid) {
  const out = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.match(new RegExp(`:(\\d+)\\s.*pid=${pid},fd=(\\d+)`)))
    .filter(Boolean)
    .map(([, port, fd]) => ({ port: Number(port), fd: Number(fd) }))
    .sort((a, b) => a.fd - b.fd)
    .map((x) => x.port);
}

/** The workerd of the group that runs the user worker, its inspector port and its targets (one per isolate). */
export async function findInspector(pgid) {
  const workerd = groupProcesses(pgid).find(
    (p) => p.args.includes("workerd serve") && p.args.includes("--inspector-addr"),
  );
  if (!workerd) throw new Error(`no workerd with an inspector in process group ${pgid}`);
  for (const port of listeningPorts(workerd.pid)) {
    const targets = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) })
      .then((r) => (r.ok && (r.headers.get("content-type") ?? "").includes("json") ? r.json() : null))
      .catch(() => null);
    if (Array.isArray(targets) && targets.some((t) => String(t.id).startsWith("core:"))) {
      return { pid: workerd.pid, port, targets };
    }
  }
  throw new Error(`workerd ${workerd.pid}: no port answered the inspector's /json/list`);
}

/** One DevTools session: `send(method, params)` resolves to the result; `on(method, fn)` for events. */
export function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin: "http://127.0.0.1" } });
    const pending = new Map();
    const listeners = new Map();
    let next = 1;
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data));
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`${p.method}: ${JSON.stringify(msg.error)}`));
        else p?.resolve(msg.result);
      } else {
        for (const fn of listeners.get(msg.method) ?? []) fn(msg.params);
      }
    });
    ws.addEventListener("error", () => reject(new Error(`inspector ${url}: connection failed`)));
    ws.addEventListener("close", () => {
      for (const p of pending.values()) p.reject(new Error(`inspector ${url}: closed during ${p.method}`));
      pending.clear();
    });
    ws.addEventListener("open", () =>
      resolve({
        send(method, params = {}) {
          const id = next++;
          ws.send(JSON.stringify({ id, method, params }));
          return new Promise((res, rej) => pending.set(id, { resolve: res, reject: rej, method }));
        },
        on(method, fn) {
          listeners.set(method, [...(listeners.get(method) ?? []), fn]);
        },
        close: () => ws.close(),
      }),
    );
  });
}

/**
 * Starts the V8 sampling profiler of each target ({id, webSocketDebuggerUrl}; interval in µs);
 * `stop()` resolves to {profiles: {id: profile}, sessions}.
 */
export async function startProfilers(targets, intervalUs) {
  const sessions = [];
  for (const t of targets) {
    const session = await connect(t.webSocketDebuggerUrl);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: intervalUs });
    sessions.push({ id: t.id, session });
  }
  for (const { session } of sessions) await session.send("Profiler.start");
  return {
    async stop() {
      const profiles = {};
      for (const { id, session } of sessions) profiles[id] = (await session.send("Profiler.stop")).profile;
      return { profiles, sessions };
    },
  };
}

/**
 * The source of every script a profile names (after profiling: enabling the debugger replays
 * scriptParsed, and costs nothing while the profile is already taken).
 */
export async function scriptSources(session, scriptIds) {
  const sources = new Map();
  await session.send("Debugger.enable");
  for (const scriptId of scriptIds) {
    const got = await session.send("Debugger.getScriptSource", { scriptId }).catch(() => null);
    if (got) sources.set(scriptId, got.scriptSource);
  }
  await session.send("Debugger.disable");
  return sources;
}
