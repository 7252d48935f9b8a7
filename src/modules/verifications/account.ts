import { and, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { changeStatement } from "../../core/events";
import { merchants } from "../../core/tables";
import { tenantScope } from "../../core/tenancy";
import { type BusinessState, type Requirements, requirementsOf } from "./rules";
import { businessVerifications, individualVerifications, verificationDocuments } from "./tables";

export interface AccountState extends BusinessState {
  merchantCreatedAt: Date;
}

function businessOf(ctx: ServiceContext) {
  return and(...tenantScope(businessVerifications, ctx));
}

/** The reads behind the account's state, for one db.batch (reads) or one by one in a transaction. */
function stateQueries(ctx: ServiceContext, db: Executor) {
  const ownBusiness = db
    .select({ id: businessVerifications.id })
    .from(businessVerifications)
    .where(businessOf(ctx));
  return [
    db.select().from(businessVerifications).where(businessOf(ctx)).limit(1),
    db
      .select()
      .from(individualVerifications)
      .where(
        and(
          ...tenantScope(individualVerifications, ctx),
          inArray(individualVerifications.businessVerificationId, ownBusiness),
          isNull(individualVerifications.removedAt),
        ),
      ),
    db
      .select({ type: verificationDocuments.type })
      .from(verificationDocuments)
      .where(
        and(
          ...tenantScope(verificationDocuments, ctx),
          inArray(verificationDocuments.verificationId, ownBusiness),
        ),
      ),
    db
      .select({ createdAt: merchants.createdAt })
      .from(merchants)
      .where(eq(merchants.id, ctx.merchantId))
      .limit(1),
  ] as const;
}

type StateRows = [
  Array<typeof businessVerifications.$inferSelect>,
  Array<typeof individualVerifications.$inferSelect>,
  Array<{ type: typeof verificationDocuments.$inferSelect.type }>,
  Array<{ createdAt: Date }>,
];

function stateFrom([business, people, documents, merchant]: StateRows): AccountState {
  return {
    business: business[0] ?? null,
    people,
    documentTypes: documents.map((document) => document.type),
    merchantCreatedAt: merchant[0]?.createdAt ?? new Date(0),
  };
}

/** The account's KYB state in one round trip (reads over HTTP). */
export async function readAccountState(ctx: ServiceContext): Promise<AccountState> {
  return stateFrom((await ctx.services.db.batch(stateQueries(ctx, ctx.services.db))) as StateRows);
}

/** Several accounts' states in one round trip (the requirements-deadline sweep). */
export async function readAccountStates(contexts: ServiceContext[]): Promise<AccountState[]> {
  const [first] = contexts;
  if (!first) return [];
  const { db } = first.services;
  const queries = contexts.flatMap((ctx) => stateQueries(ctx, db));
  const rows = (await db.batch(queries as unknown as Parameters<typeof db.batch>[0])) as unknown as unknown[];
  return contexts.map((_, index) => stateFrom(rows.slice(index * 4, index * 4 + 4) as StateRows));
}

/**
 * The same state inside a transaction, with the business row locked first: every change that
 * moves the account's requirements (owners, documents, decisions, submission) takes this lock, so
 * two of them never decide from each other's stale rows.
 */
export async function lockAccountState(ctx: ServiceContext, tx: Executor): Promise<AccountState> {
  await tx
    .select({ id: businessVerifications.id })
    .from(businessVerifications)
    .where(businessOf(ctx))
    .for("update");
  const [business, people, documents, merchant] = stateQueries(ctx, tx);
  return stateFrom([await business, await people, await documents, await merchant]);
}

/** When what is due becomes past due: sign-up + KYB_DEADLINE_DAYS. */
export function requirementsDeadline(ctx: ServiceContext, merchantCreatedAt: Date): Date {
  return new Date(merchantCreatedAt.getTime() + ctx.services.config.KYB_DEADLINE_DAYS * 24 * 60 * 60 * 1000);
}

export function accountRequirements(
  ctx: ServiceContext,
  state: AccountState,
  now: Date = ctx.services.clock.now(),
): Requirements {
  return requirementsOf(state, ctx, requirementsDeadline(ctx, state.merchantCreatedAt), now);
}

/** The account.requirements.updated event when what is due changed between two states, else nothing. */
export function requirementsChange(
  ctx: ServiceContext,
  before: AccountState,
  after: AccountState,
): SQL | null {
  const previous = accountRequirements(ctx, before);
  const current = accountRequirements(ctx, after);
  if (JSON.stringify(previous) === JSON.stringify(current)) return null;
  return changeStatement(ctx, {
    type: "account.requirements.updated",
    object: { ...current },
    previousAttributes: {
      status: previous.status,
      currently_due: previous.currently_due,
      past_due: previous.past_due,
      disabled_reason: previous.disabled_reason,
    },
  });
}
