import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The answer service the worker forwards turns to (ANSWER_URL), faked at its HTTP contract (README "The
 * upstream contract": POST {query, history, memory, passages} → 2xx {answer, sources?}). It answers from
 * the passages the worker retrieved, leaving the citations to the worker (no `sources`), except:
 * - a query containing FAIL_ONCE fails (502) the first time that exact query arrives, then answers;
 * - a query containing UNSAFE_SOURCE answers citing a source whose URL is `javascript:` (an upstream may
 *   send anything; the page must not make it a link).
 */
export const FAIL_ONCE = "(the answer service fails once)";
export const UNSAFE_SOURCE = "(the answer service cites an unsafe URL)";
export const UNSAFE_URL = "javascript:alert(document.domain)";

interface UpstreamRequest {
  query: string;
  passages: { title: string; snippet: string; text: string }[];
}

async function readJson(req: IncomingMessage): Promise<UpstreamRequest> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as UpstreamRequest;
}

function answerTo({ query, passages }: UpstreamRequest) {
  if (query.includes(UNSAFE_SOURCE)) {
    return {
      answer: "See the attached source [1].",
      sources: [{ document_id: "upstream-1", title: "Unsafe source", source_url: UNSAFE_URL, snippet: "…" }],
    };
  }
  const first = passages[0];
  if (first) return { answer: `From the knowledge base: ${first.snippet} [1]` };
  return { answer: `You asked: ${query}` };
}

export async function startFakeUpstream(): Promise<{ url: string; close: () => Promise<void> }> {
  const failed = new Set<string>();
  const server = createServer(async (req, res) => {
    const body = await readJson(req).catch(() => null);
    if (req.method !== "POST" || !body || typeof body.query !== "string") {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad request"}');
      return;
    }
    if (body.query.includes(FAIL_ONCE) && !failed.has(body.query)) {
      failed.add(body.query);
      res.writeHead(502, { "content-type": "application/json" }).end('{"error":"router overloaded"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answerTo(body)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/answer`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
