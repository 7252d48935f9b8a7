import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Services } from "./context";
import { isIdempotencyHeld } from "./db";
import { ApiError } from "./errors";
import { ledgerRefusal } from "./ledger/post";

export interface BatchOptions {
  /**
   * The object a successful request answers with (200, as handlers answer a write), stored for
   * replays of the request's Idempotency-Key in the same batch. Where the handler answers
   * otherwise, the idempotency middleware notices and stores what it really sent.
   */
  response?: unknown;
}

/**
 * Runs one business step as one HTTP request: every statement in one transaction, in order, all or
 * nothing. A request whose route claims its Idempotency-Key inline gets the claim as the first
 * statement of its first batch and, with `response`, the stored response as the last statement
 * of the batch that passes it (that first batch, or a later one: a payment stores it with the
 * outcome of its provider call). Refusals raised by the SQL functions become API errors: a held key (the middleware then answers with the earlier outcome)
 * and a ledger posting the balance can't take. Returns the results of `statements`, in order.
 */
export async function runBatch(
  services: Services,
  statements: BatchItem<"pg">[],
  options: BatchOptions = {},
): Promise<unknown[]> {
  const { db } = services;
  // The request's key: claimed by this batch, or by an earlier batch of the same request (a step
  // before a provider call), in which case a later batch may still store the response.
  const key = services.idempotency && !services.idempotency.held ? services.idempotency : undefined;
  const claim = key && !key.claimed ? key : undefined;
  const before = claim ? [db.execute(claim.claimStatement())] : [];
  const after =
    key && "response" in options
      ? [db.execute(key.storeStatement(200, JSON.stringify(options.response)))]
      : [];
  const [first, ...rest] = [...before, ...statements, ...after];
  if (!first) return [];
  try {
    const results: unknown[] = await db.batch([first, ...rest]);
    if (claim) claim.claimed = true;
    return results.slice(before.length, before.length + statements.length);
  } catch (error) {
    if (claim && isIdempotencyHeld(error)) {
      claim.held = true;
      throw new ApiError("idempotency_key_in_progress", { param: "Idempotency-Key" });
    }
    throw ledgerRefusal(error) ?? error;
  }
}

/** Whether a guarded change statement (one that answers `applied`, 1 when its compare-and-set matched) applied. */
export function changeApplied(result: unknown): boolean {
  const rows = (result as { rows?: Array<{ applied?: unknown }> } | undefined)?.rows;
  return Number(rows?.[0]?.applied ?? 0) === 1;
}

/** Runs guarded change statements in one batch: for each, whether its compare-and-set matched. */
export async function applyEachChange(
  services: Services,
  changes: ReadonlyArray<{ statement: SQL }>,
): Promise<boolean[]> {
  if (changes.length === 0) return [];
  const results = await runBatch(
    services,
    changes.map((change) => services.db.execute(change.statement)),
  );
  return results.map(changeApplied);
}

/** Runs guarded change statements in one batch: how many of them applied. */
export async function applyChanges(
  services: Services,
  changes: ReadonlyArray<{ statement: SQL }>,
): Promise<number> {
  return (await applyEachChange(services, changes)).filter(Boolean).length;
}
