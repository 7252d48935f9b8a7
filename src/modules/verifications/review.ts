import { and, asc, eq, isNull } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { recordChange } from "../../core/events";
import type { Environment } from "../../core/tables";
import { tenantRow } from "../../core/tenancy";
import { lockAccountState, requirementsChange } from "./account";
import { ownBusiness, updateBusiness } from "./business";
import { rollUpBusiness } from "./decisions";
import { verificationMissing } from "./individual";
import { toBusiness, toIndividual } from "./objects";
import { businessOutcome } from "./rules";
import type { BusinessVerification, IndividualVerification, ReviewInput, ReviewQueueItem } from "./schemas";
import { businessVerifications, individualVerifications, type ReviewColumn } from "./tables";

/** A platform operator's request: no merchant of its own; it acts on the merchant that owns the object. */
export type OperatorContext = Pick<ServiceContext, "services" | "requestId">;

/** The owner's context with the operator as the actor, so the events and audit rows name who decided. */
function actingFor(
  operator: OperatorContext,
  owner: { merchantId: string; environment: Environment },
  reviewer: string,
): ServiceContext {
  return {
    services: operator.services,
    merchantId: owner.merchantId,
    environment: owner.environment,
    actor: { type: "operator", id: reviewer },
    requestId: operator.requestId,
  };
}

function reviewOf(ctx: ServiceContext, input: ReviewInput): ReviewColumn {
  return {
    decision: input.decision === "approve" ? "approved" : "declined",
    reasons: input.reasons,
    reviewer: input.reviewer,
    reviewed_at: ctx.services.clock.now().toISOString(),
  };
}

/** Only what waits for a review can be reviewed; a retried review (same decision) answers the object as it is. */
function assertReviewable(
  current: { status: string; review: ReviewColumn | null },
  review: ReviewColumn,
): "review" | "already_reviewed" {
  if (current.status === "needs_review") return "review";
  if (current.review?.decision === review.decision) return "already_reviewed";
  throw new ApiError("verification_state_invalid", {
    message: `Only a verification in needs_review can be reviewed; this one is ${current.status}.`,
  });
}

/**
 * An operator approves or declines a person in needs_review (Veriff 9121). A person of the merchant's
 * business is decided under the business row's lock, with the business status and requirements it
 * leads to, as a Veriff decision is. A later Veriff decision for the session is then stale.
 */
export async function reviewIndividualVerification({
  ctx: operator,
  id,
  input,
}: {
  ctx: OperatorContext;
  id: string;
  input: ReviewInput;
}): Promise<IndividualVerification> {
  const { services } = operator;
  // By id alone: operators act across merchants. Everything after is scoped to the owner.
  const [owner] = await services.db
    .select({
      merchantId: individualVerifications.merchantId,
      environment: individualVerifications.environment,
      businessVerificationId: individualVerifications.businessVerificationId,
    })
    .from(individualVerifications)
    .where(eq(individualVerifications.id, id))
    .limit(1);
  if (!owner) throw verificationMissing(id);
  const ctx = actingFor(operator, owner, input.reviewer);
  const review = reviewOf(ctx, input);
  return services.transaction(async (tx) => {
    const before = owner.businessVerificationId ? await lockAccountState(ctx, tx) : null;
    const [person] = await tx
      .select()
      .from(individualVerifications)
      .where(tenantRow(individualVerifications, ctx, id))
      .for("update");
    if (!person) throw verificationMissing(id);
    if (assertReviewable(person, review) === "already_reviewed") return toIndividual(person);
    const now = services.clock.now();
    const [row] = await tx
      .update(individualVerifications)
      .set({ status: review.decision, reasons: review.reasons, review, decidedAt: now, updatedAt: now })
      .where(eq(individualVerifications.id, person.id))
      .returning();
    if (!row) throw new Error("verification vanished under its lock");
    await recordChange(
      ctx,
      {
        type: `verification.${row.status}`,
        object: toIndividual(row),
        previousAttributes: { status: person.status },
      },
      tx,
    );
    if (before) await rollUpBusiness(ctx, before, row, tx);
    return toIndividual(row);
  });
}

/**
 * An operator decides a business in needs_review (a partial registry match, or every production
 * business under the manual provider). Approval settles the business's own checks: it is approved
 * once its required people are too, and waits for them (submitted) until then. A decline is final
 * for this attempt; the merchant may correct and resubmit.
 */
export async function reviewBusinessVerification({
  ctx: operator,
  id,
  input,
}: {
  ctx: OperatorContext;
  id: string;
  input: ReviewInput;
}): Promise<BusinessVerification> {
  const { services } = operator;
  const [owner] = await services.db
    .select({ merchantId: businessVerifications.merchantId, environment: businessVerifications.environment })
    .from(businessVerifications)
    .where(eq(businessVerifications.id, id))
    .limit(1);
  if (!owner) throw verificationMissing(id);
  const ctx = actingFor(operator, owner, input.reviewer);
  const review = reviewOf(ctx, input);
  return services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    const business = ownBusiness(before, id);
    if (assertReviewable(business, review) === "already_reviewed") return toBusiness(business);
    const outcome = businessOutcome({ ...before, business: { ...business, review } });
    const row = await updateBusiness({ ctx, before: business, values: { ...outcome, review } }, tx);
    const requirements = requirementsChange(ctx, before, { ...before, business: row });
    if (requirements) await tx.execute(requirements);
    return toBusiness(row);
  });
}

/**
 * The operators' queue: people and businesses in needs_review across every merchant, the longest
 * waiting first (a person the merchant removed from its business no longer waits) (updated_at is when the status last changed). One round trip: both reads in a batch.
 */
export async function listReviewQueue({
  services,
  limit,
}: {
  services: Services;
  limit: number;
}): Promise<{ data: ReviewQueueItem[]; hasMore: boolean }> {
  const { db } = services;
  const [people, businesses] = await db.batch([
    db
      .select()
      .from(individualVerifications)
      .where(
        and(eq(individualVerifications.status, "needs_review"), isNull(individualVerifications.removedAt)),
      )
      .orderBy(asc(individualVerifications.updatedAt), asc(individualVerifications.id))
      .limit(limit + 1),
    db
      .select()
      .from(businessVerifications)
      .where(eq(businessVerifications.status, "needs_review"))
      .orderBy(asc(businessVerifications.updatedAt), asc(businessVerifications.id))
      .limit(limit + 1),
  ]);
  const items: ReviewQueueItem[] = [
    ...people.map((row) => ({
      object: "review_queue_item" as const,
      verification_type: "individual_verification" as const,
      id: row.id,
      merchant: row.merchantId,
      environment: row.environment,
      business_verification: row.businessVerificationId,
      customer: row.customerId,
      reasons: row.reasons,
      waiting_since: row.updatedAt.toISOString(),
    })),
    ...businesses.map((row) => ({
      object: "review_queue_item" as const,
      verification_type: "business_verification" as const,
      id: row.id,
      merchant: row.merchantId,
      environment: row.environment,
      business_verification: null,
      customer: null,
      reasons: row.reasons,
      waiting_since: row.updatedAt.toISOString(),
    })),
  ].sort((a, b) => a.waiting_since.localeCompare(b.waiting_since) || a.id.localeCompare(b.id));
  return { data: items.slice(0, limit), hasMore: items.length > limit };
}
