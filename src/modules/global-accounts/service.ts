import { and, eq } from "drizzle-orm";
import {
  bankCountries,
  canonicalAccount,
  countryCurrencies,
  generateBankDetails,
} from "../../core/bank-details";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { CreateGlobalAccountInput, GlobalAccount, UpdateGlobalAccountInput } from "./schemas";
import { type GlobalAccountRow, globalAccounts } from "./tables";

export function toGlobalAccount(row: GlobalAccountRow): GlobalAccount {
  return {
    id: row.id,
    object: "global_account",
    environment: row.environment,
    country: row.country,
    currency: row.currency,
    status: row.status,
    bank_details: {
      scheme: row.scheme,
      iban: row.iban,
      bic: row.bic,
      account_number: row.scheme === "iban" ? null : row.accountNumber,
      routing: row.routing,
    },
    auto_convert_to: row.autoConvertTo,
    closed_at: row.closedAt?.toISOString() ?? null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function loadGlobalAccount(ctx: ServiceContext, id: string): Promise<GlobalAccountRow> {
  const [row] = await ctx.services.db
    .select()
    .from(globalAccounts)
    .where(tenantRow(globalAccounts, ctx, id))
    .limit(1);
  if (!row) throw notFound("global account", id);
  return row;
}

function assertConvertsAway(currency: string, target: string | null | undefined): void {
  if (target === currency) {
    throw new ApiError("parameter_invalid", {
      param: "auto_convert_to",
      message: "auto_convert_to must differ from the account's currency (null keeps the funds as they come).",
    });
  }
}

/** Fresh details collide with issued ones about never; a collision draws again, this many times. */
const ISSUE_TRIES = 3;

export async function createGlobalAccount({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateGlobalAccountInput;
}): Promise<GlobalAccount> {
  if (!bankCountries[input.country])
    throw new ApiError("bank_account_country_unsupported", { param: "country" });
  const currencies = countryCurrencies(input.country);
  if (!currencies.includes(input.currency)) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `Global accounts in ${input.country} hold ${currencies.join(" or ")}.`,
    });
  }
  if (input.auto_convert_to === input.currency) {
    throw new ApiError("parameter_invalid", {
      param: "auto_convert_to",
      message:
        "auto_convert_to must differ from the account's currency (leave it out to keep the funds as they come).",
    });
  }
  const { db } = ctx.services;
  for (let attempt = 1; ; attempt++) {
    const details = generateBankDetails(input.country);
    const now = ctx.services.clock.now();
    const row: GlobalAccountRow = {
      id: newId("globalAccount"),
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      country: input.country,
      currency: input.currency,
      scheme: details.scheme,
      routing: details.routing,
      iban: details.iban,
      bic: details.bic,
      accountNumber: details.accountNumber,
      detailsKey: canonicalAccount(details),
      autoConvertTo: input.auto_convert_to ?? null,
      status: "active",
      closedAt: null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    };
    const account = toGlobalAccount(row);
    try {
      await runBatch(
        ctx.services,
        [
          db.insert(globalAccounts).values(row),
          db.execute(changeStatement(ctx, { type: "global_account.created", object: account })),
        ],
        { response: account },
      );
      return account;
    } catch (error) {
      const collided = databaseErrorFacts(error)?.constraint === "global_accounts_details_idx";
      if (!collided || attempt >= ISSUE_TRIES) throw error;
    }
  }
}

export async function retrieveGlobalAccount({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<GlobalAccount> {
  return toGlobalAccount(await loadGlobalAccount(ctx, id));
}

export async function listGlobalAccounts({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<GlobalAccount>> {
  const page = await paginateTable({
    db: ctx.services.db,
    table: globalAccounts,
    scope: tenantScope(globalAccounts, ctx),
    tenantScope: tenantScope(globalAccounts, ctx),
    query,
  });
  return { data: page.data.map(toGlobalAccount), hasMore: page.hasMore };
}

/**
 * Closing keeps the row (its details stay reserved for ever); later incoming transfers are returned.
 * One compare-and-set statement with its event: of concurrent closes one applies, the others are refused.
 */
export async function closeGlobalAccount({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<GlobalAccount> {
  const before = await loadGlobalAccount(ctx, id);
  if (before.status === "closed") throw new ApiError("global_account_closed");
  const now = ctx.services.clock.now();
  const account = toGlobalAccount({ ...before, status: "closed", closedAt: now, updatedAt: now });
  const { db } = ctx.services;
  const update = db
    .update(globalAccounts)
    .set({ status: "closed", closedAt: now, updatedAt: now })
    .where(and(tenantRow(globalAccounts, ctx, id), eq(globalAccounts.status, "active")))
    .returning({ id: globalAccounts.id });
  const change = { type: "global_account.closed", object: account, previousAttributes: { status: "active" } };
  const [result] = await runBatch(ctx.services, [db.execute(gatedChangeStatement(ctx, update, change))], {
    response: account,
  });
  if (!changeApplied(result)) throw new ApiError("global_account_closed");
  return account;
}

/** Changes the conversion on receipt or the metadata; a closed account stays closed but may still be annotated. */
export async function updateGlobalAccount({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateGlobalAccountInput;
}): Promise<GlobalAccount> {
  const before = await loadGlobalAccount(ctx, id);
  assertConvertsAway(before.currency, input.auto_convert_to);
  const now = ctx.services.clock.now();
  const values = {
    ...(input.auto_convert_to !== undefined ? { autoConvertTo: input.auto_convert_to } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    updatedAt: now,
  };
  const previous = toGlobalAccount(before);
  const account = toGlobalAccount({ ...before, ...values });
  const changed = Object.fromEntries(
    (["auto_convert_to", "metadata"] as const)
      .filter((field) => JSON.stringify(previous[field]) !== JSON.stringify(account[field]))
      .map((field) => [field, previous[field]]),
  );
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db
        .update(globalAccounts)
        .set(values)
        .where(tenantRow(globalAccounts, ctx, id)),
      db.execute(
        changeStatement(ctx, {
          type: "global_account.updated",
          object: account,
          previousAttributes: changed,
        }),
      ),
    ],
    { response: account },
  );
  return account;
}
