// A keep-alive HTTP/1.1 client over loopback (node:http), the same for the service and the floor.
import { Agent, request } from "node:http";

/** Requests to `base` over at most `sockets` kept-alive connections. */
export function httpClient(base, sockets = 16) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);

  /**
   * Resolves to {status, body} (body parsed when it is JSON); rejects only on a network error. A kept-alive
   * connection the server had just closed fails before the request reached it: that one is retried once
   * (the `reusedSocket` check Node's documentation recommends).
   */
  function send(method, path, options = {}) {
    return sendOnce(method, path, options).catch((err) => {
      if (err.reusedSocket && err.code === "ECONNRESET") return sendOnce(method, path, options);
      throw err;
    });
  }

  function sendOnce(method, path, { headers = {}, json } = {}) {
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const all = payload
      ? { ...headers, "content-type": "application/json", "content-length": payload.length }
      : headers;
    return new Promise((resolve, reject) => {
      const req = request({ hostname, port, method, path, agent, headers: all }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const isJson = (res.headers["content-type"] ?? "").includes("json");
          resolve({ status: res.statusCode, body: isJson && text ? JSON.parse(text) : text });
        });
      });
      req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  }

  return { send, close: () => agent.destroy() };
}

/** The body when the status is the expected one, else an error naming the request. */
export async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return res.body;
}
