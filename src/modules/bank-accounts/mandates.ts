import { and, eq, isNull, notInArray, type SQL, sql } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeMembers, gatedChangeStatement } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { railReaches, rails } from "../../core/rails";
import { tenantScope } from "../../core/tenancy";
import type { CreateMandateInput, Mandate } from "./schemas";
import {
  bankAccountScope,
  loadBankAccount,
  loadMandate,
  mandateRails,
  mandateStatus,
  toBankAccount,
} from "./service";
import { type BankAccountRow, bankAccounts, type MandateRow, type MandateType, mandates } from "./tables";

export function toMandate(row: MandateRow, now: Date): Mandate {
  const status = mandateStatus(row, now);
  return {
    id: row.id,
    object: "mandate",
    environment: row.environment,
    bank_account: row.bankAccountId,
    customer: row.customerId,
    type: row.type,
    reference: row.reference,
    status,
    acceptance: row.acceptance,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** ACH debits pull USD from US accounts; SEPA Direct Debit pulls EUR from IBANs in SEPA. */
function assertMandateFits(type: MandateType, account: BankAccountRow): void {
  if (!mandateRails[type].every((rail) => railReaches(rails[rail], account))) {
    throw new ApiError("currency_unsupported", {
      param: "type",
      message:
        type === "ach_debit"
          ? "ACH debit mandates need a US account holding USD."
          : "SEPA Direct Debit mandates need an IBAN in a SEPA country holding EUR.",
    });
  }
}

export async function createMandate({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateMandateInput;
}): Promise<Mandate> {
  const account = await loadBankAccount(ctx, input.bank_account, "bank_account");
  if (account.status !== "verified") {
    throw new ApiError("bank_account_unverified", {
      param: "bank_account",
      message: `The bank account is ${account.status}.`,
    });
  }
  assertMandateFits(input.type, account);
  const now = ctx.services.clock.now();
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= now) {
    throw new ApiError("parameter_invalid", {
      param: "expires_at",
      message: "expires_at must be in the future.",
    });
  }
  const row: MandateRow = {
    id: newId("mandate"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    bankAccountId: account.id,
    customerId: account.customerId,
    type: input.type,
    reference: input.reference ?? `MP-${randomBase62(20).toUpperCase()}`,
    acceptance: {
      type: input.acceptance.type,
      ip_address: input.acceptance.ip_address ?? null,
      user_agent: input.acceptance.user_agent ?? null,
      accepted_at: now.toISOString(),
    },
    revokedAt: null,
    expiresAt,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const mandate = toMandate(row, now);
  const { db } = ctx.services;
  try {
    await runBatch(
      ctx.services,
      [
        db.insert(mandates).values(row),
        db.execute(changeStatement(ctx, { type: "mandate.created", object: mandate })),
      ],
      { response: mandate },
    );
  } catch (error) {
    if (databaseErrorFacts(error)?.constraint === "mandates_reference_idx") {
      throw new ApiError("resource_conflict", {
        param: "reference",
        message: "Another mandate already has this reference.",
      });
    }
    throw error;
  }
  return mandate;
}

export async function retrieveMandate({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Mandate> {
  return toMandate(await loadMandate(ctx, id), ctx.services.clock.now());
}

export async function revokeMandate({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Mandate> {
  const before = await loadMandate(ctx, id);
  const now = ctx.services.clock.now();
  if (toMandate(before, now).status !== "active") {
    throw new ApiError("mandate_not_active", { message: `The mandate is ${toMandate(before, now).status}.` });
  }
  const row = { ...before, revokedAt: now, updatedAt: now };
  const mandate = toMandate(row, now);
  const { db } = ctx.services;
  // One compare-and-set statement with its event: of concurrent revokes one applies, once.
  const update = db
    .update(mandates)
    .set({ revokedAt: now, updatedAt: now })
    .where(and(eq(mandates.id, id), isNull(mandates.revokedAt), ...tenantScope(mandates, ctx)))
    .returning({ id: mandates.id });
  const change = { type: "mandate.revoked", object: mandate, previousAttributes: { status: "active" } };
  const [result] = await runBatch(ctx.services, [db.execute(gatedChangeStatement(ctx, update, change))], {
    response: mandate,
  });
  if (!changeApplied(result)) {
    throw new ApiError("mandate_not_active", { message: "The mandate is revoked." });
  }
  return mandate;
}

export async function listMandates({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { bank_account?: string | undefined };
}): Promise<ListPage<Mandate>> {
  const filters = tenantScope(mandates, ctx);
  if (query.bank_account) filters.push(eq(mandates.bankAccountId, query.bank_account));
  const page = await paginateTable({
    db: ctx.services.db,
    table: mandates,
    scope: filters,
    tenantScope: tenantScope(mandates, ctx),
    query,
  });
  const now = ctx.services.clock.now();
  return { data: page.data.map((row) => toMandate(row, now)), hasMore: page.hasMore };
}

/**
 * Soft delete: the account leaves the API (and may be saved again); its open mandates are revoked
 * with it, each with its mandate.revoked. One statement: the revocations and the events run only
 * when this request's update matched, so concurrent deletes delete once and the others find no
 * account (404). Mandates made after the read are revoked too, by the last member.
 */
export async function deleteBankAccount({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const { db } = ctx.services;
  const [row, open] = await Promise.all([
    loadBankAccount(ctx, id),
    db
      .select()
      .from(mandates)
      .where(and(eq(mandates.bankAccountId, id), isNull(mandates.revokedAt), ...tenantScope(mandates, ctx))),
  ]);
  const now = ctx.services.clock.now();
  const response = { id, object: "bank_account" as const, deleted: true as const };
  const revoke = { revokedAt: now, updatedAt: now };
  const update = db
    .update(bankAccounts)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(bankAccounts.id, id), ...bankAccountScope(ctx)))
    .returning({ id: bankAccounts.id });
  const members: SQL[] = [
    sql`updated as ${update}`,
    gatedChangeMembers(
      ctx,
      { type: "bank_account.deleted", object: toBankAccount({ ...row, deletedAt: now, updatedAt: now }) },
      "updated",
      "change",
    ),
  ];
  open.forEach((mandate, index) => {
    const gate = `revoked_${index}`;
    const revoked = db
      .update(mandates)
      .set(revoke)
      .where(
        and(eq(mandates.id, mandate.id), isNull(mandates.revokedAt), sql`exists (select 1 from updated)`),
      )
      .returning({ id: mandates.id });
    members.push(
      sql`${sql.raw(gate)} as ${revoked}`,
      gatedChangeMembers(
        ctx,
        {
          type: "mandate.revoked",
          object: toMandate({ ...mandate, ...revoke }, now),
          previousAttributes: { status: mandateStatus(mandate, now) },
        },
        gate,
        `mandate_${index}`,
      ),
    );
  });
  const later = db
    .update(mandates)
    .set(revoke)
    .where(
      and(
        eq(mandates.bankAccountId, id),
        isNull(mandates.revokedAt),
        ...tenantScope(mandates, ctx),
        open.length > 0
          ? notInArray(
              mandates.id,
              open.map((mandate) => mandate.id),
            )
          : undefined,
        sql`exists (select 1 from updated)`,
      ),
    )
    .returning({ id: mandates.id });
  members.push(sql`later as ${later}`);
  const [result] = await runBatch(
    ctx.services,
    [db.execute(sql`with ${sql.join(members, sql`, `)} select count(*)::int as applied from updated`)],
    { response },
  );
  if (!changeApplied(result)) throw notFound("bank account", id, "id");
  return response;
}
