import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { toOpenApi30 } from "../../scripts/lib/openapi-30.mjs";
import { app } from "../../src/app";
import { openApiDocument } from "../../src/openapi/document";

/**
 * The OpenAPI document, generated from the app itself, checked by an
 * independent validator (the OpenAPI 3.1 meta-schema, $refs, duplicate
 * operationIds and parameters). In plain Node: the validator compiles
 * schemas at run time, which workerd does not allow. test/openapi.test.ts
 * checks real responses against it inside the Workers runtime.
 */

const doc = await openApiDocument(() => app.routes);
const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, "{$1}");
/** Routes that exist only to refuse, with a clear error rather than a bare "no route". */
const REFUSING = new Set(["DELETE /v1/conversations/:id/items/:item_id"]);

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document, every $ref resolving", async () => {
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("has every route of the app, with a success and an error response for each /api and /v1 route", () => {
    const routes = app.routes.filter((r) => r.method !== "ALL");
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const operation = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase() as "get"];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const statuses = Object.keys(operation?.responses ?? {});
      expect(
        statuses.some((s) => s.startsWith("2")),
        `${route.method} ${route.path} success`,
      ).toBe(!REFUSING.has(`${route.method} ${route.path}`));
      if (/^\/(api|v1)\//.test(route.path)) expect(statuses).toEqual(expect.arrayContaining(["401", "503"]));
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const headers = (response as { headers?: Record<string, unknown> }).headers;
        expect(headers?.["x-request-id"], `${route.method} ${route.path} ${status} x-request-id`).toBeDefined();
      }
    }
  });

  it("declares the bearer JWT scheme for the API and none for the open routes", () => {
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const path of ["/health", "/openapi.json", "/docs"]) expect(doc.paths[path]?.get?.security).toEqual([]);
  });

  it("describes request bodies and query parameters from the validators' schemas", () => {
    const chat = doc.paths["/api/chat"]?.post;
    const body = chat?.requestBody as { content: Record<string, { schema: { required: string[] } }> };
    expect(body.content["application/json"]?.schema.required).toEqual(["query"]);
    const list = doc.paths["/api/sessions"]?.get?.parameters as { name: string; in: string }[];
    expect(list.map((p) => `${p.in} ${p.name}`).sort()).toEqual(["query cursor", "query limit", "query status"]);
  });

  it("describes the chat stream's events", () => {
    const ok = doc.paths["/api/chat"]?.post?.responses?.["200"] as { content: Record<string, unknown> };
    expect(Object.keys(ok.content)).toEqual(["application/json", "text/event-stream"]);
    expect(ok.content["text/event-stream"]).toEqual({ schema: { $ref: "#/components/schemas/ChatStreamEvent" } });
  });

  it("describes /v1 with OpenAI's error body on every error, and the response stream's events", () => {
    const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith("/v1/"));
    expect(v1.map(([path]) => path).sort()).toEqual([
      "/v1/conversations",
      "/v1/conversations/{id}",
      "/v1/conversations/{id}/items",
      "/v1/conversations/{id}/items/{item_id}",
      "/v1/responses",
      "/v1/responses/{id}",
    ]);
    for (const [path, operations] of v1) {
      for (const [method, operation] of Object.entries(operations as Record<string, { responses: object }>)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (status.startsWith("2")) continue;
          expect(response, `${method} ${path} ${status}`).toMatchObject({
            content: { "application/json": { schema: { $ref: "#/components/schemas/OpenAIError" } } },
          });
        }
      }
    }
    const ok = doc.paths["/v1/responses"]?.post?.responses?.["200"] as { content: Record<string, unknown> };
    expect(ok.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/Response" } },
      "text/event-stream": { schema: { $ref: "#/components/schemas/ResponseStreamEvent" } },
    });
    type Schema = { required: string[]; properties: Record<string, { description?: string }> };
    const body = doc.paths["/v1/responses"]?.post?.requestBody as { content: Record<string, { schema: Schema }> };
    const params = body.content["application/json"]?.schema;
    expect(params?.required).toEqual(["input"]);
    expect(params?.properties.store?.description).toMatch(/^Not supported: 400 unsupported_parameter/);
  });

  it("rewritten for 3.0-only generators (npm run openapi:3.0), it is a valid OpenAPI 3.0 document", async () => {
    const doc30 = toOpenApi30(doc);
    const result = await validate(structuredClone(doc30));
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(JSON.stringify(doc30)).not.toMatch(/"null"|"const"|"propertyNames"/);
    const session = doc30.components?.schemas?.Session as { properties: Record<string, object> };
    expect(session.properties.ended_at).toMatchObject({ type: "string", nullable: true });
  });
});
