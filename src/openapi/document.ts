import type { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import { generateSpecs } from "hono-openapi";

/**
 * The OpenAPI 3.1 document, generated from the app's own routes: the request
 * schemas its validators enforce (src/lib/validate.ts) and the responses each
 * route's annotation declares (src/openapi/describe.ts). Nothing is written
 * by hand but the words below.
 */

const DESCRIPTION = `The session layer of the Knowledge Router: chat sessions with their history, long-term memory
(summaries) and the tenant's knowledge base, for many tenants.

Every \`/api\` request carries \`Authorization: Bearer <JWT>\`: HS256 with the service's secret, or RS256/ES256
from the company's identity provider. Another tenant's or user's data answers exactly as if it did not exist.
Every response carries an \`x-request-id\` header; error bodies repeat it as \`error.request_id\`.

\`/v1\` is the same sessions in OpenAI's Conversations and Responses API, so OpenAI's SDKs are clients (base URL
…/v1, the same bearer JWT as the API key); its errors have OpenAI's shape (\`OpenAIError\`).`;

const TAGS = [
  { name: "chat", description: "One turn: the query, the answer from the tenant's knowledge, both stored" },
  { name: "sessions", description: "The caller's sessions and their history" },
  { name: "memory", description: "Long-term memory: summaries of ended sessions" },
  { name: "knowledge", description: "The tenant's knowledge base (changes: tenant admin only)" },
  { name: "users", description: "Erasure" },
  { name: "admin", description: "Tenant admin operations" },
  { name: "service", description: "Health and this document" },
  { name: "openai", description: "/v1: OpenAI's Conversations, Items and Responses over the same sessions" },
];

const documentation = {
  info: { title: "Knowledge Router Sessions", version: "1", description: DESCRIPTION },
  tags: TAGS,
  security: [{ bearerAuth: [] }],
  components: {
    securitySchemes: {
      bearerAuth: {
        type: "http" as const,
        scheme: "bearer",
        bearerFormat: "JWT",
        description:
          "Claims: tenant and user ids (integers; claim names configurable), exp; role: admin for a tenant admin",
      },
    },
  },
};

type Document = Awaited<ReturnType<typeof generateSpecs>>;

let built: Promise<Document> | undefined;

/** Built once per isolate: the routes never change while it runs. */
export function openApiDocument(routes: () => RouterRoute[]): Promise<Document> {
  // generateSpecs reads nothing of the app but its routes.
  const app = {
    get routes() {
      return routes();
    },
  } as unknown as Hono;
  built ??= generateSpecs(app, {
    documentation,
    // /openapi.json is a route too, not a static file.
    excludeStaticFile: false,
    // Each route declares its own 400 with our error shape.
    defaultValidationErrorResponse: false,
  }).catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}
