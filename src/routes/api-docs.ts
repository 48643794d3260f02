import { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { describe } from "../openapi/describe";
import { DOCS_PAGE } from "../openapi/docs-page";
import { openApiDocument } from "../openapi/document";

/**
 * GET /openapi.json (the OpenAPI 3.1 document of every route, generated from
 * the app's routes, which are handed in so this file need not import the app)
 * and GET /docs (the reference page for it). Both open, like /health.
 */
export const apiDocsRoutes = (routes: () => RouterRoute[]) =>
  new Hono<AppEnv>()
    .get(
      "/openapi.json",
      describe({
        operationId: "openapi",
        summary: "This document (OpenAPI 3.1)",
        tag: "service",
        open: true,
        ok: { status: 200, schema: z.looseObject({ openapi: z.string() }), description: "The OpenAPI document" },
        errors: [],
      }),
      async (c) => c.json(await openApiDocument(routes)),
    )
    .get(
      "/docs",
      describe({
        operationId: "docs",
        summary: "The API reference page for this document (works offline)",
        tag: "service",
        open: true,
        ok: { status: 200, schema: z.string(), mediaType: "text/html", description: "An HTML page" },
        errors: [],
      }),
      (c) => c.html(DOCS_PAGE),
    );
