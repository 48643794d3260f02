import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { handleError } from "./error-handler";
import { ApiError } from "./errors";
import { errorText, log } from "./lib/log";

/** Paths the API owns: an unknown one is the API's JSON 404, never a static file. */
const API_PATH = /^\/(api|v1)(\/|$)/;

/**
 * Static files (the web page, Scalar's bundle for /docs) live in the assets-only
 * Worker of web/wrangler.toml, bound as WEB. This worker is the entry point and
 * hands it only what none of its routes took: so API requests never pass the
 * static-asset router, and no file can shadow a route. A path with no file is
 * still this service's JSON 404.
 */
export async function serveStatic(c: Context<AppEnv>): Promise<Response | null> {
  const method = c.req.method;
  if ((method !== "GET" && method !== "HEAD") || API_PATH.test(c.req.path)) return null;
  let res: Response;
  try {
    res = await c.env.WEB.fetch(c.req.raw);
  } catch (err) {
    // The cause goes to the log, not to the client.
    log("error", "web_unavailable", { request_id: c.get("requestId"), error: errorText(err) });
    return handleError(new ApiError(503, "web_unavailable", "the web page's files are unavailable; try again"), c);
  }
  if (res.status === 404) return null;
  // A fetched response's headers are immutable; the request-context middleware adds x-request-id.
  return new Response(res.body, res);
}
