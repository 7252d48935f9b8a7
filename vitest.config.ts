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
    // A guard against hangs, not a timing assertion: every test bounds its own waits. The suite
    // shares one workerd between parallel files, so on a loaded 2-core CI machine a test that
    // takes 5 s alone took over 30 s once (issuing/realtime, CI stop 20); 90 s keeps that margin.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
