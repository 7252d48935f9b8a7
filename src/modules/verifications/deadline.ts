import { sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { merchants } from "../../core/tables";
import { accountRequirements, readAccountStates, requirementsDeadline } from "./account";
import { businessVerifications, requirementsDeadlineNotices } from "./tables";

/**
 * The deadline passing changes nothing in the database, so no write emits the event for it: this
 * sweep does, once per merchant and environment. Accounts whose deadline passed and that have not
 * been looked at (no notice row) and are not approved are read in one batch; each gets its notice
 * row, and account.requirements.updated when something is past due, gated on that row's insert so
 * that two concurrent runs send it once. An item that becomes due after the deadline is past due at
 * once, and the change that made it due already sends the event.
 */
export async function notifyPastDueRequirements(
  services: Services,
  { merchant, limit = 50, rounds = 10 }: { merchant?: string; limit?: number; rounds?: number } = {},
) {
  let looked = 0;
  let pastDue = 0;
  for (let round = 0; round < rounds; round += 1) {
    const { accounts, pastDue: found } = await sweepOnce(services, merchant, limit);
    looked += accounts;
    pastDue += found;
    if (accounts < limit) break;
  }
  return { looked, pastDue };
}

async function sweepOnce(services: Services, merchant: string | undefined, limit: number) {
  const now = services.clock.now();
  const cutoff = new Date(now.getTime() - services.config.KYB_DEADLINE_DAYS * 24 * 60 * 60 * 1000);
  const candidates = await services.db.execute<{
    merchant_id: string;
    environment: "sandbox" | "production";
  }>(sql`
    select m.id as merchant_id, env.environment
    from ${merchants} m cross join (values ('sandbox'), ('production')) as env(environment)
    where m.created_at <= ${cutoff.toISOString()}::timestamptz
      ${merchant ? sql`and m.id = ${merchant}` : sql``}
      and not exists (select 1 from ${requirementsDeadlineNotices} n
        where n.merchant_id = m.id and n.environment = env.environment)
      and not exists (select 1 from ${businessVerifications} b
        where b.merchant_id = m.id and b.environment = env.environment and b.status = 'approved')
    order by m.created_at, m.id, env.environment
    limit ${limit}`);
  const contexts = candidates.rows.map((row) =>
    systemContext(
      services,
      { merchantId: row.merchant_id, environment: row.environment },
      "requirements-deadline",
    ),
  );
  const states = await readAccountStates(contexts);
  let pastDue = 0;
  const statements = contexts.map((ctx, index) => {
    const state = states[index];
    if (!state) throw new Error("an account state is missing from its batch");
    const deadline = requirementsDeadline(ctx, state.merchantCreatedAt);
    const current = accountRequirements(ctx, state);
    const notice = sql`noticed as (
      insert into ${requirementsDeadlineNotices} (merchant_id, environment, deadline, past_due, created_at)
      values (${ctx.merchantId}, ${ctx.environment}, ${deadline.toISOString()}::timestamptz,
        ${current.past_due.length > 0}, ${now.toISOString()}::timestamptz)
      on conflict do nothing returning merchant_id)`;
    if (current.past_due.length === 0)
      return services.db.execute(sql`with ${notice} select count(*) from noticed`);
    pastDue += 1;
    const previous = accountRequirements(ctx, state, deadline);
    const change = gatedChangeMembers(
      ctx,
      {
        type: "account.requirements.updated",
        object: { ...current },
        previousAttributes: {
          status: previous.status,
          currently_due: previous.currently_due,
          past_due: previous.past_due,
          disabled_reason: previous.disabled_reason,
        },
      },
      "noticed",
      "change",
    );
    return services.db.execute(sql`with ${notice}, ${change} select count(*) from noticed`);
  });
  const [first, ...rest] = statements;
  if (first) await runBatch(services, [first, ...rest]);
  return { accounts: contexts.length, pastDue };
}
