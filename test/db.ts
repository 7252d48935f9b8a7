import pg from "pg";
import { inject } from "vitest";

/** Direct SQL for assertions the API can't make (outbox rows, no secret stored in clear). */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: inject("workerEnv").DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
