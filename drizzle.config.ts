import { defineConfig } from "drizzle-kit";

// Offline generation only: `npm run db:generate` writes SQL into migrations/,
// which wrangler (dev/deploy) and the tests both apply.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
