// Runs only the local-stack tests, without the root config's global setup (which
// itself starts the local stack and the Worker); their own only makes sure a PostgreSQL answers:
//   npx vitest run --config scripts/local-stack/vitest.config.ts
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["scripts/local-stack/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./scripts/local-stack/test-global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
