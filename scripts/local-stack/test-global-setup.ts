// Global setup of the local-stack tests when they run alone (scripts/local-stack/vitest.config.ts).
// They need a PostgreSQL server: the one at LOCAL_STACK_TEST_DATABASE_URL (default
// 127.0.0.1:5432/test) when it answers, otherwise the embedded one, exactly as `npm test` does.
// Started once here, not per file: test files run in parallel and would race to start the
// embedded server on the same port and data directory.
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensurePostgres } from "./embedded-postgres";
import { REPO_ROOT } from "./index";

declare module "vitest" {
  export interface ProvidedContext {
    /** A reachable PostgreSQL database (real or embedded) for the local-stack tests. */
    localStackDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await ensurePostgres({
    databaseUrl: process.env.LOCAL_STACK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    dataDir: path.join(REPO_ROOT, ".local", "postgres"),
  });
  project.provide("localStackDatabaseUrl", postgres.databaseUrl);
  return () => postgres.stop();
}
