import { and, eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { requireCustomer } from "../customers/service";
import type { AddressColumn } from "../customers/tables";
import {
  assertCardholderVerified,
  decidePolicy,
  type PolicyCheck,
  policyFacts,
  policyQuery,
} from "../verifications/service";
import { controlsColumn, type SpendingControlsInput } from "./controls";
import { guardedUpdateStatement, matched } from "./guarded";
import type { Cardholder, CreateCardholderInput, UpdateCardholderInput } from "./schemas";
import { type CardholderRow, type CardholderStatus, issuingCardholders } from "./tables";

const cardIssuingCheck: PolicyCheck = { name: "card_issuing" };

export function toCardholder(row: CardholderRow): Cardholder {
  return {
    id: row.id,
    object: "issuing_cardholder",
    environment: row.environment,
    type: row.type,
    customer: row.customerId,
    name: row.name,
    email: row.email,
    phone_number: row.phoneNumber,
    billing: { address: row.billingAddress },
    status: row.status,
    spending_controls: row.spendingControls,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function addressColumn(address: CreateCardholderInput["billing"]["address"]): AddressColumn {
  return {
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    state: address.state ?? null,
    postal_code: address.postal_code,
    country: address.country,
  };
}

/** A cardholder's limits count authorizations in one currency, which they must name. */
function cardholderControls(
  input: SpendingControlsInput | undefined,
  previous?: CardholderRow["spendingControls"],
) {
  const controls = controlsColumn(input, input?.spending_limits_currency ?? null, previous);
  if (controls.spending_limits.length > 0 && !controls.spending_limits_currency) {
    throw new ApiError("parameter_missing", {
      param: "spending_controls.spending_limits_currency",
      message: "Cardholder spending limits need spending_limits_currency.",
    });
  }
  return controls;
}

/** Cards are issued to and activated for active cardholders only. */
export function assertCardholderActive(cardholder: CardholderRow): void {
  if (cardholder.status !== "active") {
    throw new ApiError("cardholder_inactive", {
      param: "cardholder",
      message: `Cardholder ${cardholder.id} is ${cardholder.status}.`,
    });
  }
}

/** The verifications policy's card_issuing check (KYB in production), as a statement for a read batch. */
export function cardIssuingPolicyQuery(ctx: ServiceContext) {
  return ctx.services.db.execute(policyQuery(ctx, cardIssuingCheck));
}

/** Decides card_issuing from cardIssuingPolicyQuery's result; a refusal is account_verification_required. */
export function assertCardIssuingAllowed(ctx: ServiceContext, policyResult: unknown): void {
  decidePolicy(ctx, cardIssuingCheck, policyFacts(policyResult));
}

/**
 * THE KYC HOOK: a card is activated (or unfrozen) only for an active cardholder whose customer has
 * an approved individual verification, decided by the verifications policy (card_activation).
 */
export async function assertCardholderVerifiedForActivation(
  ctx: ServiceContext,
  cardholder: CardholderRow,
): Promise<void> {
  assertCardholderActive(cardholder);
  if (!cardholder.customerId) {
    throw new ApiError("cardholder_verification_required", {
      param: "customer",
      message: `Cardholder ${cardholder.id} names no customer; set the customer whose identity verification (KYC) is approved.`,
    });
  }
  await assertCardholderVerified(ctx, cardholder.customerId);
}

export async function createCardholder({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCardholderInput;
}): Promise<Cardholder> {
  if (input.customer) await requireCustomer({ ctx, id: input.customer, param: "customer" });
  const now = ctx.services.clock.now();
  const row: CardholderRow = {
    id: newId("issuingCardholder"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    type: input.type,
    customerId: input.customer ?? null,
    name: input.name,
    email: input.email ?? null,
    phoneNumber: input.phone_number ?? null,
    billingAddress: addressColumn(input.billing.address),
    status: input.status ?? "active",
    spendingControls: cardholderControls(input.spending_controls),
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const cardholder = toCardholder(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(issuingCardholders).values(row),
      db.execute(changeStatement(ctx, { type: "issuing_cardholder.created", object: cardholder })),
    ],
    { response: cardholder },
  );
  return cardholder;
}

export function cardholderQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(issuingCardholders)
    .where(tenantRow(issuingCardholders, ctx, id))
    .limit(1);
}

export function foundCardholder(rows: CardholderRow[], id: string, param = "id"): CardholderRow {
  const [row] = rows;
  if (!row) throw notFound("cardholder", id, param);
  return row;
}

export async function retrieveCardholder({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Cardholder> {
  return toCardholder(foundCardholder(await cardholderQuery(ctx, id), id));
}

export async function updateCardholder({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateCardholderInput;
}): Promise<Cardholder> {
  const before = foundCardholder(await cardholderQuery(ctx, id), id);
  if (input.customer && input.customer !== before.customerId) {
    // The person whose KYC activated the cards cannot be swapped under them.
    if (before.customerId) {
      throw new ApiError("parameter_invalid", {
        param: "customer",
        message: `Cardholder ${id} is customer ${before.customerId}; a cardholder's customer is set once.`,
      });
    }
    await requireCustomer({ ctx, id: input.customer, param: "customer" });
  }
  const status: CardholderStatus = input.status ?? before.status;
  const after: CardholderRow = {
    ...before,
    customerId: input.customer ?? before.customerId,
    email: input.email ?? before.email,
    phoneNumber: input.phone_number ?? before.phoneNumber,
    billingAddress: input.billing ? addressColumn(input.billing.address) : before.billingAddress,
    status,
    spendingControls: cardholderControls(input.spending_controls, before.spendingControls),
    metadata: input.metadata ?? before.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  const cardholder = toCardholder(after);
  const { updated_at: _ignored, ...changed } = previousAttributes(toCardholder(before), cardholder);
  const { db } = ctx.services;
  // Compare-and-set on updated_at: a concurrent update in between makes this one a 409, not a lost write.
  const update = db
    .update(issuingCardholders)
    .set({
      customerId: after.customerId,
      email: after.email,
      phoneNumber: after.phoneNumber,
      billingAddress: after.billingAddress,
      status: after.status,
      spendingControls: after.spendingControls,
      metadata: after.metadata,
      updatedAt: after.updatedAt,
    })
    .where(and(eq(issuingCardholders.id, id), eq(issuingCardholders.updatedAt, before.updatedAt)))
    .returning({ id: issuingCardholders.id });
  const change = { type: "issuing_cardholder.updated", object: cardholder, previousAttributes: changed };
  const [result] = await runBatch(
    ctx.services,
    [db.execute(guardedUpdateStatement(ctx, update, { changes: [change] }))],
    { response: cardholder },
  );
  if (!matched(result))
    throw new ApiError("resource_conflict", { message: "The cardholder changed meanwhile; retry." });
  return cardholder;
}

export async function listCardholders({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { status?: CardholderStatus | undefined };
}): Promise<ListPage<Cardholder>> {
  const filters = tenantScope(issuingCardholders, ctx);
  if (query.status) filters.push(eq(issuingCardholders.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingCardholders,
    scope: filters,
    tenantScope: tenantScope(issuingCardholders, ctx),
    query,
  });
  return { data: page.data.map(toCardholder), hasMore: page.hasMore };
}
