import { and, asc, eq, lte } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import type { Executor } from "../../core/db";
import { recordChange } from "../../core/events";
import { systemContext } from "../../core/http";
import type { Environment } from "../../core/tables";
import { type AccountState, lockAccountState, requirementsChange } from "./account";
import { updateBusiness } from "./business";
import { individualEventType, toIndividual } from "./objects";
import { businessOutcome } from "./rules";
import {
  type IndividualStatus,
  type IndividualVerificationRow,
  individualVerifications,
  type ReasonColumn,
  veriffDecisions,
} from "./tables";
import { decisionStatuses, fetchVeriffDecision, type VeriffDecision, veriffIntegration } from "./veriff";

export type DecisionOutcome =
  | { applied: true; verification: string; status: IndividualStatus }
  | { applied: false; reason: "unknown_session" | "duplicate" | "stale" };

/** Decisions land on a verification that waits for one: submitted, or in review (Veriff decides after). */
const AWAITING: ReadonlySet<IndividualStatus> = new Set(["submitted", "needs_review"]);

const DECIDED: ReadonlySet<IndividualStatus> = new Set([
  "approved",
  "declined",
  "expired",
  "resubmission_requested",
]);

function statusFor(code: number): { status: IndividualStatus; reasons: ReasonColumn[] } {
  const status = decisionStatuses[code];
  if (status) return { status, reasons: [] };
  return {
    status: "needs_review",
    reasons: [{ code: `decision_${code}`, description: "Unknown Veriff decision code." }],
  };
}

/**
 * Applies one Veriff decision (webhook or poll) once per session and attempt: the decision row's
 * primary key makes a redelivery or a replay a no-op. A person of the merchant's business is decided
 * under the business row's lock, together with the business status it leads to and the account's
 * requirements, so that two owners decided at once cannot both miss the other's approval.
 */
export async function applyVeriffDecision(
  services: Services,
  environment: Environment,
  decision: VeriffDecision,
  source: "webhook" | "poll",
): Promise<DecisionOutcome> {
  const [found] = await services.db
    .select({
      merchantId: individualVerifications.merchantId,
      environment: individualVerifications.environment,
      businessVerificationId: individualVerifications.businessVerificationId,
    })
    .from(individualVerifications)
    .where(
      and(
        eq(individualVerifications.providerSessionId, decision.sessionId),
        eq(individualVerifications.environment, environment),
      ),
    )
    .limit(1);
  if (!found) return { applied: false, reason: "unknown_session" };
  const ctx = systemContext(services, found, `veriff:${source}`);
  return services.transaction(async (tx): Promise<DecisionOutcome> => {
    // A person of the merchant's business is decided under the business row's lock; a customer's
    // check (KYC alone) needs no account state.
    const before = found.businessVerificationId ? await lockAccountState(ctx, tx) : null;
    const [person] = await tx
      .select()
      .from(individualVerifications)
      .where(eq(individualVerifications.providerSessionId, decision.sessionId))
      .for("update");
    if (!person) return { applied: false, reason: "unknown_session" };
    const [recorded] = await tx
      .insert(veriffDecisions)
      .values({
        sessionId: decision.sessionId,
        attemptId: decision.attemptId,
        verificationId: person.id,
        code: decision.code,
        source,
        receivedAt: services.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ sessionId: veriffDecisions.sessionId });
    if (!recorded) return { applied: false, reason: "duplicate" };
    if (!AWAITING.has(person.status)) return { applied: false, reason: "stale" };
    const { status, reasons } = statusFor(decision.code);
    const now = services.clock.now();
    const decisionReasons: ReasonColumn[] =
      decision.reasonCode !== null || decision.reason !== null
        ? [{ code: String(decision.reasonCode ?? decision.code), description: decision.reason ?? "" }]
        : reasons;
    const [row] = await tx
      .update(individualVerifications)
      .set({
        status,
        reasons: decisionReasons,
        decisionCode: decision.code,
        providerAttemptId: decision.attemptId,
        decidedAt: DECIDED.has(status) ? now : null,
        updatedAt: now,
      })
      .where(eq(individualVerifications.id, person.id))
      .returning();
    if (!row) throw new Error("verification vanished under its lock");
    await recordChange(
      ctx,
      {
        type: individualEventType(status),
        object: toIndividual(row),
        previousAttributes: { status: person.status },
      },
      tx,
    );
    if (before) await rollUpBusiness(ctx, before, row, tx);
    return { applied: true, verification: row.id, status };
  });
}

/**
 * After a person of the business was decided (under the business row's lock): the business status
 * that follows from all its people, and the account's requirements.
 */
export async function rollUpBusiness(
  ctx: ServiceContext,
  before: AccountState,
  person: IndividualVerificationRow,
  tx: Executor,
): Promise<void> {
  const people = before.people.map((candidate) => (candidate.id === person.id ? person : candidate));
  let after: AccountState = { ...before, people };
  const business = before.business;
  // A person the merchant removed is decided for the record only: the business no longer counts them.
  const counted = before.people.some((candidate) => candidate.id === person.id);
  if (business && counted && business.status !== "pending") {
    const outcome = businessOutcome(after);
    if (outcome.status !== business.status) {
      const row = await updateBusiness({ ctx, before: business, values: outcome }, tx);
      after = { ...after, business: row };
    }
  }
  const requirements = requirementsChange(ctx, before, after);
  if (requirements) await tx.execute(requirements);
}

/**
 * The polling fallback: submitted verifications with no decision VERIFF_POLL_AFTER_SECONDS after
 * submission ask Veriff (GET /sessions/{id}/decision) and apply what it answers.
 */
export async function pollUndecidedVerifications(services: Services, limit = 50) {
  const cutoff = new Date(services.clock.now().getTime() - services.config.VERIFF_POLL_AFTER_SECONDS * 1000);
  const waiting = await services.db
    .select({
      id: individualVerifications.id,
      environment: individualVerifications.environment,
      sessionId: individualVerifications.providerSessionId,
    })
    .from(individualVerifications)
    .where(
      and(eq(individualVerifications.status, "submitted"), lte(individualVerifications.submittedAt, cutoff)),
    )
    .orderBy(asc(individualVerifications.submittedAt))
    .limit(limit);
  let applied = 0;
  let undecided = 0;
  let failed = 0;
  for (const verification of waiting) {
    const integration = veriffIntegration(services.config, verification.environment);
    if (!integration || !verification.sessionId) {
      failed += 1;
      continue;
    }
    try {
      const decision = await fetchVeriffDecision(integration, verification.sessionId);
      if (!decision) undecided += 1;
      else if ((await applyVeriffDecision(services, verification.environment, decision, "poll")).applied)
        applied += 1;
    } catch (error) {
      failed += 1;
      console.error(
        JSON.stringify({
          level: "error",
          message: "veriff poll failed",
          verification: verification.id,
          error: String(error),
        }),
      );
    }
  }
  return { polled: waiting.length, applied, undecided, failed };
}
