import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeMembers } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import { individualEventType, toIndividual } from "./objects";
import type {
  CreateIndividualInput,
  CreateOwnerInput,
  IndividualVerification,
  ListIndividualsQuery,
} from "./schemas";
import { type IndividualVerificationRow, individualVerifications, type RelationshipColumn } from "./tables";
import { createVeriffSession, requireIntegration } from "./veriff";

/** Submit opens a Veriff session from these statuses; the others wait for a decision or are final. */
const SUBMITTABLE: ReadonlySet<IndividualVerificationRow["status"]> = new Set([
  "pending",
  "resubmission_requested",
  "expired",
]);

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
    submittedAt: null,
    decidedAt: null,
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
  if (input.customer) countryOf(await customerAddressQuery(ctx, input.customer), input.customer, "customer");
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
    .where(and(eq(individualVerifications.id, id), ...tenantScope(individualVerifications, ctx)))
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
    filters.push(eq(individualVerifications.businessVerificationId, query.business_verification));
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

/**
 * Opens a Veriff session for the person (a new one per attempt) and returns its URL. The session is
 * created with nothing open; the result is applied by compare-and-set on the status and attempt
 * count read before, so of two concurrent submits only one is recorded (the other gets a 409).
 */
export async function submitIndividualVerification({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IndividualVerification> {
  const before = await findIndividual(ctx, id);
  if (!SUBMITTABLE.has(before.status)) {
    throw new ApiError("verification_state_invalid", {
      message: `A verification that is ${before.status} cannot be submitted.`,
    });
  }
  const integration = requireIntegration(ctx.services.config, ctx.environment);
  const session = await createVeriffSession(integration, {
    callback: ctx.services.config.PUBLIC_URL,
    person: {
      firstName: before.firstName,
      lastName: before.lastName,
      dateOfBirth: before.dateOfBirth,
      ...(before.idNumber ? { idNumber: before.idNumber } : {}),
    },
    vendorData: before.id,
  });
  const now = ctx.services.clock.now();
  const set = {
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
  const change = gatedChangeMembers(
    ctx,
    {
      type: individualEventType("submitted"),
      object: verification,
      previousAttributes: { status: before.status },
    },
    "updated",
    "change",
  );
  const [result] = await runBatch(ctx.services, [
    ctx.services.db.execute(
      sql`with updated as ${update}, ${change} select count(*)::int as applied from updated`,
    ),
  ]);
  const applied = Number((result as { rows?: Array<{ applied?: unknown }> }).rows?.[0]?.applied ?? 0);
  if (applied !== 1) {
    throw new ApiError("verification_state_invalid", {
      message: "The verification changed meanwhile; retrieve it.",
    });
  }
  return verification;
}
