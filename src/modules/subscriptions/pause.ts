import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { previousAttributes } from "../../core/events";
import {
  readSubscription,
  requireStatus,
  subscriptionContext,
  toSubscription,
  writeSubscription,
} from "./rows";
import type { PauseSubscriptionInput, ResumeSubscriptionInput, Subscription } from "./schemas";
import type { SubscriptionRow } from "./tables";

/**
 * Pauses collection (Stripe's pause_collection): the periods go on renewing, but their invoices are
 * kept as drafts, voided or marked uncollectible, never charged, until POST …/resume or
 * `resumes_at`. A paused subscription may be paused again to change the behavior or the time.
 */
export async function pauseSubscription({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: PauseSubscriptionInput;
}): Promise<Subscription> {
  const row = await readSubscription(ctx, id);
  requireStatus(row, ["active", "paused"], "paused");
  const own = await subscriptionContext(ctx, row.testClockId);
  const at = own.services.clock.now();
  const resumesAt = input.resumes_at === undefined ? null : new Date(input.resumes_at);
  if (resumesAt !== null && resumesAt <= at) {
    throw new ApiError("parameter_invalid", {
      param: "resumes_at",
      message: "resumes_at must be in the future.",
    });
  }
  const after: SubscriptionRow = {
    ...row,
    status: "paused",
    pauseBehavior: input.behavior,
    pauseResumesAt: resumesAt,
    updatedAt: at,
  };
  const object = toSubscription(after);
  await writeSubscription(own, row, after, {
    type: row.status === "paused" ? "customer.subscription.updated" : "customer.subscription.paused",
    object,
    previousAttributes: previousAttributes(toSubscription(row), object),
  });
  return object;
}

/** The subscription resumed at `at`: active, charged from its next invoice on. */
export function resumedAt(row: SubscriptionRow, at: Date): SubscriptionRow {
  return { ...row, status: "active", pauseBehavior: null, pauseResumesAt: null, updatedAt: at };
}

/** Resumes a paused subscription now; its billing cycle is unchanged, so the next renewal is charged. */
export async function resumeSubscription({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
  input: ResumeSubscriptionInput;
}): Promise<Subscription> {
  const row = await readSubscription(ctx, id);
  requireStatus(row, ["paused"], "resumed");
  const own = await subscriptionContext(ctx, row.testClockId);
  const after = resumedAt(row, own.services.clock.now());
  const object = toSubscription(after);
  await writeSubscription(own, row, after, {
    type: "customer.subscription.resumed",
    object,
    previousAttributes: previousAttributes(toSubscription(row), object),
  });
  return object;
}
