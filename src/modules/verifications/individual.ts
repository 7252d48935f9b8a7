import { and, eq, isNull } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import { toIndividual } from "./objects";
import { MAX_INDIVIDUAL_ATTEMPTS } from "./rules";
import type {
  CreateIndividualInput,
  CreateOwnerInput,
  IndividualVerification,
  ListIndividualsQuery,
  ResubmitIndividualInput,
} from "./schemas";
import {
  type IndividualStatus,
  type IndividualVerificationRow,
  individualVerifications,
  type RelationshipColumn,
} from "./tables";
import { createVeriffSession, requireIntegration } from "./veriff";

/** Submit opens the first Veriff session; resubmit a new one after Veriff asked for it or the session expired. */
const SUBMITTABLE: ReadonlySet<IndividualStatus> = new Set(["pending"]);
const RESUBMITTABLE: ReadonlySet<IndividualStatus> = new Set(["resubmission_requested", "expired"]);

export function verificationMissing(id: string, param = "id"): ApiError {
  return notFound("verification", id, param);
}

/** A new individual verification's row: a customer's (KYC) or, with a relationship, a business's person. */
export function individualRow(
  ctx: ServiceContext,
  input: CreateIndividualInput | CreateOwnerInput,
  links: {
    customerId: string | null;
    businessVerificationId: string | null;
    relationship: RelationshipColumn | null;
  },
): IndividualVerificationRow {
  const now = ctx.services.clock.now();
  const address = input.address
    ? {
        line1: input.address.line1 ?? null,
        line2: input.address.line2 ?? null,
        city: input.address.city ?? null,
        state: input.address.state ?? null,
        postal_code: input.address.postal_code ?? null,
        country: input.address.country ?? null,
      }
    : null;
  return {
    id: newId("individualVerification"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: links.customerId,
    businessVerificationId: links.businessVerificationId,
    relationship: links.relationship,
    firstName: input.first_name,
    lastName: input.last_name,
    dateOfBirth: input.date_of_birth,
    address,
    nationality: input.nationality ?? null,
    idNumber: input.id_number ?? null,
    status: "pending",
    reasons: [],
    attempts: 0,
    providerSessionId: null,
    providerSessionUrl: null,
    providerAttemptId: null,
    decisionCode: null,
    review: null,
    submittedAt: null,
    decidedAt: null,
    removedAt: null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
}

/** Creates a customer's (KYC) verification: one read when it names a customer, one write batch. */
export async function createIndividualVerification({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateIndividualInput;
}): Promise<IndividualVerification> {
  const { db } = ctx.services;
  if (input.customer)
    countryOf(await customerAddressQuery({ ctx, id: input.customer }), input.customer, "customer");
  const row = individualRow(ctx, input, {
    customerId: input.customer ?? null,
    businessVerificationId: null,
    relationship: null,
  });
  const verification = toIndividual(row);
  await runBatch(
    ctx.services,
    [
      db.insert(individualVerifications).values(row),
      db.execute(changeStatement(ctx, { type: "verification.created", object: verification })),
    ],
    { response: verification },
  );
  return verification;
}

/** The merchant's verification, or a 404 naming `param`. */
export async function findIndividual(
  ctx: ServiceContext,
  id: string,
  param = "id",
): Promise<IndividualVerificationRow> {
  const [row] = await ctx.services.db
    .select()
    .from(individualVerifications)
    .where(tenantRow(individualVerifications, ctx, id))
    .limit(1);
  if (!row) throw verificationMissing(id, param);
  return row;
}

export async function retrieveIndividualVerification({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IndividualVerification> {
  return toIndividual(await findIndividual(ctx, id));
}

export async function listIndividualVerifications({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListIndividualsQuery;
}): Promise<ListPage<IndividualVerification>> {
  const filters = tenantScope(individualVerifications, ctx);
  if (query.status) filters.push(eq(individualVerifications.status, query.status));
  if (query.customer) filters.push(eq(individualVerifications.customerId, query.customer));
  if (query.business_verification) {
    filters.push(
      eq(individualVerifications.businessVerificationId, query.business_verification),
      isNull(individualVerifications.removedAt),
    );
  }
  const page = await paginateTable({
    db: ctx.services.db,
    table: individualVerifications,
    scope: filters,
    tenantScope: tenantScope(individualVerifications, ctx),
    query,
  });
  return { data: page.data.map(toIndividual), hasMore: page.hasMore };
}

export async function submitIndividualVerification({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IndividualVerification> {
  return openVeriffSession(ctx, id, { from: SUBMITTABLE, corrections: {} });
}

/**
 * A new attempt for a person Veriff asked to try again (resubmission_requested) or whose session
 * expired: the corrected data goes to a new Veriff session; attempts are limited.
 */
export async function resubmitIndividualVerification({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: ResubmitIndividualInput;
}): Promise<IndividualVerification> {
  return openVeriffSession(ctx, id, { from: RESUBMITTABLE, corrections: input });
}

/** The row's columns for the corrections sent, and their previous values as the API shows them. */
function corrected(before: IndividualVerificationRow, input: ResubmitIndividualInput) {
  const values: Partial<IndividualVerificationRow> = {};
  const previous: Record<string, unknown> = {};
  const shown = toIndividual(before);
  if (input.first_name !== undefined) values.firstName = input.first_name;
  if (input.last_name !== undefined) values.lastName = input.last_name;
  if (input.date_of_birth !== undefined) values.dateOfBirth = input.date_of_birth;
  if (input.nationality !== undefined) values.nationality = input.nationality;
  if (input.id_number !== undefined) values.idNumber = input.id_number;
  if (input.address !== undefined) {
    values.address = {
      line1: input.address.line1 ?? null,
      line2: input.address.line2 ?? null,
      city: input.address.city ?? null,
      state: input.address.state ?? null,
      postal_code: input.address.postal_code ?? null,
      country: input.address.country ?? null,
    };
  }
  for (const field of ["first_name", "last_name", "date_of_birth", "nationality", "address"] as const) {
    if (input[field] !== undefined) previous[field] = shown[field];
  }
  // The id number itself is never shown, not even in an event.
  if (input.id_number !== undefined) previous.id_number_provided = shown.id_number_provided;
  return { values, previous };
}

/**
 * Opens a Veriff session for the person (a new one per attempt) and returns its URL. The session is
 * created with nothing open; the result is applied by compare-and-set on the status and attempt
 * count read before, so of two concurrent submits only one is recorded (the other gets a 409).
 */
async function openVeriffSession(
  ctx: ServiceContext,
  id: string,
  { from, corrections }: { from: ReadonlySet<IndividualStatus>; corrections: ResubmitIndividualInput },
): Promise<IndividualVerification> {
  const before = await findIndividual(ctx, id);
  if (before.removedAt) {
    throw new ApiError("verification_state_invalid", {
      message: "This person was removed from the business verification; their identity is no longer checked.",
    });
  }
  if (!from.has(before.status)) {
    const verb = from === SUBMITTABLE ? "submitted" : "resubmitted";
    const hint = RESUBMITTABLE.has(before.status) ? " Resubmit it." : "";
    throw new ApiError("verification_state_invalid", {
      message: `A verification that is ${before.status} cannot be ${verb}.${hint}`,
    });
  }
  if (before.attempts >= MAX_INDIVIDUAL_ATTEMPTS) {
    throw new ApiError("verification_attempts_exhausted", {
      message: `This verification has used its ${MAX_INDIVIDUAL_ATTEMPTS} attempts.`,
    });
  }
  const { values, previous } = corrected(before, corrections);
  const person = { ...before, ...values };
  const integration = requireIntegration(ctx.services.config, ctx.environment);
  const session = await createVeriffSession(integration, {
    callback: ctx.services.config.PUBLIC_URL,
    person: {
      firstName: person.firstName,
      lastName: person.lastName,
      dateOfBirth: person.dateOfBirth,
      ...(person.idNumber ? { idNumber: person.idNumber } : {}),
    },
    vendorData: before.id,
  });
  const now = ctx.services.clock.now();
  const set = {
    ...values,
    status: "submitted" as const,
    attempts: before.attempts + 1,
    providerSessionId: session.id,
    providerSessionUrl: session.url,
    providerAttemptId: null,
    decisionCode: null,
    reasons: [],
    submittedAt: now,
    decidedAt: null,
    updatedAt: now,
  };
  const row: IndividualVerificationRow = { ...before, ...set };
  const verification = toIndividual(row);
  const update = ctx.services.db
    .update(individualVerifications)
    .set(set)
    .where(
      and(
        eq(individualVerifications.id, before.id),
        eq(individualVerifications.status, before.status),
        eq(individualVerifications.attempts, before.attempts),
      ),
    )
    .returning({ id: individualVerifications.id });
  const change = {
    type: before.status === "pending" ? "verification.submitted" : "verification.resubmitted",
    object: verification,
    previousAttributes: { status: before.status, ...previous },
  };
  const [result] = await runBatch(ctx.services, [
    ctx.services.db.execute(gatedChangeStatement(ctx, update, change)),
  ]);
  if (!changeApplied(result)) {
    throw new ApiError("verification_state_invalid", {
      message: "The verification changed meanwhile; retrieve it.",
    });
  }
  return verification;
}
