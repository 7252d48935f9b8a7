/**
 * Structured logs: one JSON line per entry, with `level` and `event` first, so that Workers Logs
 * (and any log drain) can filter on them. Never put a request body, a query's parameters or card
 * data in `fields` (see db-errors.ts for how database errors are reduced to facts).
 */
import { databaseErrorFacts } from "./db-errors";

export type LogLevel = "info" | "warn" | "error";

export interface LogFields {
  request_id?: string | null;
  merchant?: string;
  [field: string]: unknown;
}

export function log(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * What a caught value says, for a log line or a stored run (which the public health page shows):
 * a database error only by its SQLSTATE, constraint and table, since the driver's message carries
 * the query's bound values; anything else by its message.
 */
export function errorText(error: unknown): string {
  const facts = databaseErrorFacts(error);
  if (facts) {
    const on = [facts.constraint, facts.table].filter((part) => part !== null).join(" on ");
    return `database error ${facts.code ?? "(no SQLSTATE: connection)"}${on ? ` (${on})` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
