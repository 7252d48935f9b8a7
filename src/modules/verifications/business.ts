import { and, eq, isNotNull } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError } from "../../core/errors";
import { changeStatement, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { type AccountState, lockAccountState, readAccountState, requirementsChange } from "./account";
import { individualRow, verificationMissing } from "./individual";
import { toBusiness, toIndividual } from "./objects";
import { registrationNumberValid, registryFor } from "./registry";
import { businessOutcome, missingForSubmission } from "./rules";
import type {
  BusinessVerification,
  CreateBusinessInput,
  CreateOwnerInput,
  IndividualVerification,
} from "./schemas";
import {
  type BusinessStatus,
  type BusinessVerificationRow,
  businessVerifications,
  individualVerifications,
  type ReasonColumn,
} from "./tables";

/** People and documents can be added until the business is approved (a declined one may be resubmitted). */
const OPEN: ReadonlySet<BusinessStatus> = new Set(["pending", "submitted", "needs_review", "declined"]);

export function ownBusiness(state: AccountState, id: string): BusinessVerificationRow {
  if (!state.business || state.business.id !== id) throw verificationMissing(id);
  return state.business;
}

/** Creates the merchant's own business verification (one per environment): one read, one write batch. */
export async function createBusinessVerification({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateBusinessInput;
}): Promise<BusinessVerification> {
  const registrationNumber = input.registration_number.toUpperCase();
  if (!registrationNumberValid(input.country, registrationNumber)) {
    throw new ApiError("registration_number_invalid", { param: "registration_number" });
  }
  // An existing business is refused by the unique index, after the batch's Idempotency-Key claim,
  // so that a retry of the request that created it gets its stored response rather than a 409.
  const before = await readAccountState(ctx);
  const now = ctx.services.clock.now();
  const address = input.registered_address;
  const row: BusinessVerificationRow = {
    id: newId("businessVerification"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    legalName: input.legal_name,
    registrationNumber,
    country: input.country,
    incorporationDate: input.incorporation_date,
    registeredAddress: {
      line1: address.line1 ?? null,
      line2: address.line2 ?? null,
      city: address.city ?? null,
      state: address.state ?? null,
      postal_code: address.postal_code ?? null,
      country: address.country ?? null,
    },
    website: input.website ?? null,
    mcc: input.mcc,
    status: "pending",
    registryCheck: null,
    review: null,
    reasons: [],
    attempts: 0,
    submittedAt: null,
    decidedAt: null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const business = toBusiness(row);
  const { db } = ctx.services;
  const requirements = requirementsChange(ctx, before, { ...before, business: row });
  try {
    await runBatch(
      ctx.services,
      [
        db.insert(businessVerifications).values(row),
        db.execute(changeStatement(ctx, { type: "verification.created", object: business })),
        ...(requirements ? [db.execute(requirements)] : []),
      ],
      { response: business },
    );
  } catch (error) {
    if (databaseErrorFacts(error)?.constraint === "business_verifications_merchant_idx") {
      throw new ApiError("business_verification_exists");
    }
    throw error;
  }
  return business;
}

export async function retrieveBusinessVerification({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BusinessVerification> {
  const [row] = await ctx.services.db
    .select()
    .from(businessVerifications)
    .where(tenantRow(businessVerifications, ctx, id))
    .limit(1);
  if (!row) throw verificationMissing(id);
  return toBusiness(row);
}

/** The merchant's own business verification; a 404 until it is created. */
export async function retrieveAccountBusiness({
  ctx,
}: {
  ctx: ServiceContext;
}): Promise<BusinessVerification> {
  const [row] = await ctx.services.db
    .select()
    .from(businessVerifications)
    .where(and(...tenantScope(businessVerifications, ctx)))
    .limit(1);
  if (!row) {
    throw new ApiError("resource_missing", {
      message:
        "This account has no business verification yet; create it with POST /api/v1/account/business_verification.",
    });
  }
  return toBusiness(row);
}

/**
 * Adds a beneficial owner or control person: an individual verification linked to the business.
 * Interactive transaction: the business row is locked first so the owners' shares and the
 * requirements are decided from rows no concurrent change is moving (docs/data-path.md).
 */
export async function addBusinessPerson({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: CreateOwnerInput;
}): Promise<IndividualVerification> {
  const ownershipBps = Math.round(input.relationship.ownership_percent * 100);
  return ctx.services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    const business = ownBusiness(before, id);
    if (!OPEN.has(business.status)) {
      throw new ApiError("verification_state_invalid", {
        message: `People cannot be added to a business verification that is ${business.status}.`,
      });
    }
    const owned = before.people.reduce((sum, person) => sum + (person.relationship?.ownership_bps ?? 0), 0);
    if (owned + ownershipBps > 10_000) {
      throw new ApiError("parameter_invalid", {
        param: "relationship.ownership_percent",
        message: `The owners would hold more than 100 % (${owned / 100} % already).`,
      });
    }
    const row = individualRow(ctx, input, {
      customerId: null,
      businessVerificationId: business.id,
      relationship: {
        ownership_bps: ownershipBps,
        director: input.relationship.director,
        executive: input.relationship.executive,
        officer: input.relationship.officer,
        title: input.relationship.title ?? null,
      },
    });
    await tx.insert(individualVerifications).values(row);
    const person = toIndividual(row);
    await recordChange(ctx, { type: "verification.created", object: person }, tx);
    const requirements = requirementsChange(ctx, before, { ...before, people: [...before.people, row] });
    if (requirements) await tx.execute(requirements);
    return person;
  });
}

/** People can be removed while the business is not under review: before its submission, or once declined. */
const REMOVABLE: ReadonlySet<BusinessStatus> = new Set(["pending", "declined"]);

/**
 * Removes a person from the business (an owner who sold their share, a director who left, or a
 * person whose check was declined and who is replaced): the row stays for the record with
 * removed_at, and no longer counts for the business's ownership, requirements or outcome. A
 * business declined for that person can then be resubmitted. Under the business row's lock, as
 * every change of its people; removing a removed person again answers it unchanged.
 */
export async function removeBusinessPerson({
  ctx,
  id,
  personId,
}: {
  ctx: ServiceContext;
  id: string;
  personId: string;
}): Promise<IndividualVerification> {
  return ctx.services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    const business = ownBusiness(before, id);
    const person = before.people.find((candidate) => candidate.id === personId);
    if (!person) {
      const [removed] = await tx
        .select()
        .from(individualVerifications)
        .where(
          and(
            tenantRow(individualVerifications, ctx, personId),
            eq(individualVerifications.businessVerificationId, business.id),
            isNotNull(individualVerifications.removedAt),
          ),
        )
        .limit(1);
      if (removed) return toIndividual(removed);
      throw verificationMissing(personId, "person");
    }
    if (!REMOVABLE.has(business.status)) {
      throw new ApiError("verification_state_invalid", {
        message: `People cannot be removed from a business verification that is ${business.status}; only while it is pending or declined.`,
      });
    }
    const now = ctx.services.clock.now();
    const [row] = await tx
      .update(individualVerifications)
      .set({ removedAt: now, updatedAt: now })
      .where(eq(individualVerifications.id, person.id))
      .returning();
    if (!row) throw new Error("verification vanished under its lock");
    const removed = toIndividual(row);
    await recordChange(
      ctx,
      { type: "verification.removed", object: removed, previousAttributes: { removed_at: null } },
      tx,
    );
    const people = before.people.filter((candidate) => candidate.id !== person.id);
    const requirements = requirementsChange(ctx, before, { ...before, people });
    if (requirements) await tx.execute(requirements);
    return removed;
  });
}

/**
 * Submits the business: checks it is complete, runs the registry check (a provider call, with
 * nothing open), then, in a transaction holding the business row, records the check and the
 * status it leads to with its people's current statuses.
 */
export async function submitBusinessVerification({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BusinessVerification> {
  const read = await readAccountState(ctx);
  const candidate = ownBusiness(read, id);
  if (candidate.status !== "pending") {
    throw new ApiError("verification_state_invalid", {
      message: `A business verification that is ${candidate.status} cannot be submitted again.`,
    });
  }
  const [missing] = missingForSubmission(read);
  if (missing) throw new ApiError("verification_incomplete", { param: missing[0], message: missing[1] });
  const now = ctx.services.clock.now();
  const registryCheck = await registryFor(ctx.services.config, ctx.environment).check(
    {
      country: candidate.country,
      registrationNumber: candidate.registrationNumber,
      legalName: candidate.legalName,
    },
    now,
  );
  return ctx.services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    const business = ownBusiness(before, id);
    if (business.status !== "pending") {
      throw new ApiError("verification_state_invalid", { message: "The business was submitted meanwhile." });
    }
    const checked: BusinessVerificationRow = { ...business, registryCheck };
    const outcome = businessOutcome({ ...before, business: checked });
    const row = await updateBusiness(
      {
        ctx,
        before: business,
        values: {
          registryCheck,
          status: outcome.status,
          reasons: outcome.reasons,
          attempts: business.attempts + 1,
          submittedAt: now,
        },
      },
      tx,
    );
    const requirements = requirementsChange(ctx, before, { ...before, business: row });
    if (requirements) await tx.execute(requirements);
    return toBusiness(row);
  });
}

/**
 * Writes a business's new status and its events. A (re)submission (values carry submittedAt) records
 * verification.submitted from pending or verification.resubmitted from declined, with what was
 * corrected in previous_attributes; then verification.<status> when it lands anywhere but submitted.
 */
export async function updateBusiness(
  {
    ctx,
    before,
    values,
    corrected = {},
  }: {
    ctx: ServiceContext;
    before: BusinessVerificationRow;
    values: Partial<BusinessVerificationRow> & { status: BusinessStatus; reasons: ReasonColumn[] };
    corrected?: Record<string, unknown>;
  },
  tx: Executor,
): Promise<BusinessVerificationRow> {
  const now = ctx.services.clock.now();
  const decided = values.status === "approved" || values.status === "declined";
  const set = { ...values, decidedAt: decided ? now : null, updatedAt: now };
  const [row] = await tx
    .update(businessVerifications)
    .set(set)
    .where(eq(businessVerifications.id, before.id))
    .returning();
  if (!row) throw new Error("business verification vanished under its lock");
  const submission = values.submittedAt !== undefined;
  if (submission) {
    await recordChange(
      ctx,
      {
        type: before.status === "pending" ? "verification.submitted" : "verification.resubmitted",
        object: toBusiness({ ...row, status: "submitted", decidedAt: null }),
        previousAttributes: { status: before.status, ...corrected },
      },
      tx,
    );
  }
  const from = submission ? "submitted" : before.status;
  if (row.status !== from) {
    await recordChange(
      ctx,
      {
        type: `verification.${row.status}`,
        object: toBusiness(row),
        previousAttributes: { status: from },
      },
      tx,
    );
  }
  return row;
}
