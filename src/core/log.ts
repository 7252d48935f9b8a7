/**
 * Structured logs: one JSON line per entry, with `level` and `event` first, so that Workers Logs
 * (and any log drain) can filter on them. Never put a request body, a query's parameters or card
 * data in `fields` (see db-errors.ts for how database errors are reduced to facts).
 */
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

/** What a caught value says, for the log: the message of an Error, else its string form. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
