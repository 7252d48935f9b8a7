import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { ServiceContext } from "../../core/context";
import { statusChangeStatement } from "./apply";
import { findPayment } from "./rows";
import { payments } from "./tables";

const card = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
};

async function authorized() {
  const m = await createMerchant();
  const res = await m.sandbox.request<{ id: string; status: string }>("POST", "/payments", {
    amount: 5_000,
    currency: "USD",
    payment_method_data: card,
    confirm: true,
    capture_method: "manual",
  });
  expect(res.body.status).toBe("requires_capture");
  const ctx: ServiceContext = {
    services: nodeServices(),
    merchantId: m.merchantId,
    environment: "sandbox",
    actor: { type: "system", id: "apply-test" },
    requestId: null,
  };
  return { ctx, id: res.body.id };
}

async function written(id: string) {
  const postings = await query("select 1 from ledger_transactions where source = $1", [
    `payment:${id}:captured`,
  ]);
  const events = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at",
    [id],
  );
  return { postings: postings.length, events: events.map((event) => event.type) };
}

describe("a status change as one statement (compare-and-set in SQL)", () => {
  it("a lost compare-and-set writes nothing: no update, no posting, no event", async () => {
    const { ctx, id } = await authorized();
    const before = await findPayment(ctx, id, ctx.services.db);
    const was = await written(id);
    const change = statusChangeStatement(
      ctx,
      before,
      "succeeded",
      { amountReceived: 5_000, amountCapturable: 0 },
      { guard: [sql`${payments.providerAttempt}->>'key' = ${"not-the-key"}`] },
    );
    const [result] = await ctx.services.db.batch([ctx.services.db.execute(change.statement)]);
    expect(result.rows[0]).toMatchObject({ applied: 0, posted: 0 });
    expect((await findPayment(ctx, id, ctx.services.db)).status).toBe("requires_capture");
    expect(await written(id)).toEqual(was);
  });

  it("a matching one updates, posts once and writes the event in the same statement", async () => {
    const { ctx, id } = await authorized();
    const before = await findPayment(ctx, id, ctx.services.db);
    const was = await written(id);
    const change = statusChangeStatement(
      ctx,
      before,
      "succeeded",
      { amountReceived: 5_000, amountCapturable: 0 },
      { guard: [sql`${payments.status} = 'requires_capture'`], event: "payment.captured" },
    );
    const [result] = await ctx.services.db.batch([ctx.services.db.execute(change.statement)]);
    expect(result.rows[0]).toMatchObject({ applied: 1, posted: 1 });
    const after = await findPayment(ctx, id, ctx.services.db);
    expect(after).toEqual(change.row);
    expect(await written(id)).toEqual({ postings: 1, events: [...was.events, "payment.captured"] });
  });
});
