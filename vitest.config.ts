import { defineConfig } from "vitest/config";

export default defineConfig({
  // @magnetpay/sdk from its TypeScript source, as tsconfig.json resolves it.
  ssr: { resolve: { conditions: ["magnetpay-source"] } },
  test: {
    include: [
      "src/**/*.test.ts",
      "functions/**/*.test.ts",
      "test/**/*.test.ts",
      "scripts/**/*.test.ts",
      "sdk/test/**/*.test.ts",
    ],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
