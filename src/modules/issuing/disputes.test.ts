import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { activeLoadedCard, authorize, cardBalance } from "./testing";

interface Dispute {
  [field: string]: unknown;
  id: string;
  status: string;
  amount: number;
  reason: string;
  transaction: string;
  evidence: { explanation: string | null; original_transaction: string | null };
  ledger_transaction: string | null;
}

/** A capture of `amount` on the card: authorized, then captured in full. */
async function captured(m: TestMerchant, card: string, amount: number): Promise<string> {
  const auth = await authorize(m.sandbox, card, amount);
  expect(auth.body.approved, auth.text).toBe(true);
  const capture = await m.sandbox.request<{ id: string }>(
    "POST",
    `/sandbox/issuing/authorizations/${auth.body.id}/capture`,
    {},
  );
  expect(capture.status, capture.text).toBe(200);
  return capture.body.id;
}

const open = (m: TestMerchant, body: Record<string, unknown>) =>
  m.sandbox.request<Dispute>("POST", "/issuing/disputes", body);
const submit = (m: TestMerchant, id: string) =>
  m.sandbox.request<Dispute>("POST", `/issuing/disputes/${id}/submit`);
const resolve = (m: TestMerchant, id: string, outcome: "won" | "lost") =>
  m.sandbox.request<Dispute>("POST", `/sandbox/issuing/disputes/${id}/resolve`, { outcome });
const refund = (m: TestMerchant, id: string, amount?: number) =>
  m.sandbox.request(
    "POST",
    `/sandbox/issuing/transactions/${id}/refund`,
    amount === undefined ? {} : { amount },
  );

async function disputeEvents(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [id],
  );
  return rows.map((row) => row.type);
}

describe("issuing disputes", () => {
  it("opens, fills in, submits and wins a dispute: the amount goes back to the card through the ledger", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 10_000);
    const capture = await captured(m, card.id, 3_000);
    expect(await cardBalance(m, card.id)).toBe(7_000);

    const created = await open(m, { transaction: capture, reason: "not_received", amount: 2_000 });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ status: "unsubmitted", amount: 2_000, reason: "not_received" });
    const transaction = await m.sandbox.request("GET", `/issuing/transactions/${capture}`);
    expect(transaction.body).toMatchObject({ disputed_amount: 2_000, refunded_amount: 0 });

    expectError(await submit(m, created.body.id), 400, "issuing_dispute_evidence_missing");
    const updated = await m.sandbox.request<Dispute>("PATCH", `/issuing/disputes/${created.body.id}`, {
      evidence: { explanation: "The parcel never arrived." },
    });
    expect(updated.body.evidence).toEqual({
      explanation: "The parcel never arrived.",
      original_transaction: null,
    });
    expect((await submit(m, created.body.id)).body.status).toBe("submitted");
    expectError(await submit(m, created.body.id), 409, "issuing_dispute_status_invalid");
    expectError(
      await m.sandbox.request("PATCH", `/issuing/disputes/${created.body.id}`, { reason: "other" }),
      409,
      "issuing_dispute_status_invalid",
    );

    const won = await resolve(m, created.body.id, "won");
    expect(won.body).toMatchObject({ status: "won" });
    expect(won.body.ledger_transaction).not.toBeNull();
    expect(await cardBalance(m, card.id)).toBe(9_000);
    const ledger = await m.sandbox.request<{ entries: Array<{ account: string; amount: number }> }>(
      "GET",
      `/transactions/${won.body.ledger_transaction}`,
    );
    expect(ledger.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: `card:${card.id}`, amount: 2_000 }),
        expect.objectContaining({ account: `provider_clearing:${card.provider}`, amount: -2_000 }),
      ]),
    );
    expect((await m.sandbox.request("GET", `/issuing/transactions/${capture}`)).body).toMatchObject({
      disputed_amount: 0,
      refunded_amount: 2_000,
    });
    expectError(await resolve(m, created.body.id, "lost"), 409, "issuing_dispute_status_invalid");
    const events = await disputeEvents(created.body.id);
    expect(events.slice(0, 3)).toEqual([
      "issuing_dispute.created",
      "issuing_dispute.updated",
      "issuing_dispute.submitted",
    ]);
    // Written by one statement, so with one timestamp.
    expect(events.slice(3).sort()).toEqual(["issuing_dispute.closed", "issuing_dispute.funds_reinstated"]);
    // What is left of the capture can still be refunded, and no more.
    expectError(await refund(m, capture, 1_001), 400, "amount_invalid");
    expect((await refund(m, capture)).status).toBe(200);
    expect(await cardBalance(m, card.id)).toBe(10_000);
  });

  it("a lost dispute moves no money and frees the amount for refunds", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const capture = await captured(m, card.id, 1_000);
    const dispute = await open(m, {
      transaction: capture,
      reason: "fraudulent",
      evidence: { explanation: "Not me." },
    });
    expect(dispute.body.amount).toBe(1_000);
    expectError(await refund(m, capture), 409, "resource_conflict");
    await submit(m, dispute.body.id);
    expect((await resolve(m, dispute.body.id, "lost")).body).toMatchObject({
      status: "lost",
      ledger_transaction: null,
    });
    expect(await cardBalance(m, card.id)).toBe(4_000);
    expect(await disputeEvents(dispute.body.id)).toEqual([
      "issuing_dispute.created",
      "issuing_dispute.submitted",
      "issuing_dispute.closed",
    ]);
    expect((await refund(m, capture)).status).toBe(200);
    expect(await cardBalance(m, card.id)).toBe(5_000);
  });

  it("a duplicate names another capture of the same card", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const first = await captured(m, card.id, 700);
    const second = await captured(m, card.id, 700);
    const other = await activeLoadedCard(m, 1_000);
    const elsewhere = await captured(m, other.id, 100);
    const dispute = await open(m, {
      transaction: second,
      reason: "duplicate",
      evidence: { explanation: "Twice." },
    });
    expectError(await submit(m, dispute.body.id), 400, "issuing_dispute_evidence_missing");
    for (const original of [second, elsewhere]) {
      expectError(
        await m.sandbox.request("PATCH", `/issuing/disputes/${dispute.body.id}`, {
          evidence: { original_transaction: original },
        }),
        400,
        "parameter_invalid",
      );
    }
    await m.sandbox.request("PATCH", `/issuing/disputes/${dispute.body.id}`, {
      evidence: { original_transaction: first },
    });
    expect((await submit(m, dispute.body.id)).body.status).toBe("submitted");
  });

  it("refuses what can't be disputed, with nothing written", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const capture = await captured(m, card.id, 1_000);
    expectError(
      await open(m, { transaction: capture, reason: "other", amount: 1_001 }),
      400,
      "amount_invalid",
    );
    expectError(await open(m, { transaction: "ipi_missing", reason: "other" }), 404, "resource_missing");
    expectError(await open(m, { transaction: capture, reason: "unhappy" }), 400, "parameter_invalid");
    expectError(
      await open(m, { transaction: capture, reason: "other", evidence: { explanation: "\u0000" } }),
      400,
      "parameter_characters_invalid",
    );
    expectError(
      await open(m, { transaction: capture, reason: "other", evidence: { explanation: "x".repeat(5_001) } }),
      400,
      "parameter_invalid",
    );
    // 110 days after the capture, the window is closed.
    expectError(
      await m.sandbox.request(
        "POST",
        "/issuing/disputes",
        { transaction: capture, reason: "other" },
        { "x-test-clock-offset-seconds": String(111 * 86_400) },
      ),
      409,
      "issuing_dispute_not_allowed",
    );
    const refundRow = await refund(m, capture, 1_000);
    expectError(
      await open(m, { transaction: (refundRow.body as { id: string }).id, reason: "other" }),
      409,
      "issuing_dispute_not_allowed",
    );
    expectError(await open(m, { transaction: capture, reason: "other" }), 409, "issuing_dispute_not_allowed");
    expect(await query("select id from issuing_disputes where transaction_id = $1", [capture])).toEqual([]);

    const fresh = await captured(m, card.id, 500);
    const dispute = await open(m, { transaction: fresh, reason: "other" });
    expectError(await open(m, { transaction: fresh, reason: "other" }), 409, "issuing_dispute_not_allowed");
    expectError(await resolve(m, dispute.body.id, "won"), 409, "issuing_dispute_status_invalid");
    expectError(
      await m.production.request("POST", `/sandbox/issuing/disputes/${dispute.body.id}/resolve`, {
        outcome: "won",
      }),
      403,
      "sandbox_only",
    );
  });

  it("keeps disputes to their merchant and environment", async () => {
    const m = await createMerchant();
    const intruder = await createMerchant();
    const card = await activeLoadedCard(m, 2_000);
    const capture = await captured(m, card.id, 500);
    expectError(await open(intruder, { transaction: capture, reason: "other" }), 404, "resource_missing");
    const dispute = await open(m, {
      transaction: capture,
      reason: "other",
      evidence: { explanation: "No." },
    });
    for (const [method, path, body] of [
      ["GET", `/issuing/disputes/${dispute.body.id}`, undefined],
      ["PATCH", `/issuing/disputes/${dispute.body.id}`, { reason: "fraudulent" }],
      ["POST", `/issuing/disputes/${dispute.body.id}/submit`, undefined],
      ["POST", `/sandbox/issuing/disputes/${dispute.body.id}/resolve`, { outcome: "won" }],
    ] as const) {
      expectError(await intruder.sandbox.request(method, path, body), 404, "resource_missing");
    }
    expect(
      (await intruder.sandbox.request<{ data: unknown[] }>("GET", "/issuing/disputes")).body.data,
    ).toEqual([]);
    const listed = await m.sandbox.request<{ data: Dispute[] }>(
      "GET",
      `/issuing/disputes?transaction=${capture}`,
    );
    expect(listed.body.data.map((row) => row.id)).toEqual([dispute.body.id]);
  });

  it("a refund and a dispute racing on one capture never give back more than was captured", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const capture = await captured(m, card.id, 1_000);
    const [refunded, disputed] = await Promise.all([
      refund(m, capture, 800),
      open(m, { transaction: capture, reason: "other", amount: 800 }),
    ]);
    expect([refunded.status, disputed.status].filter((status) => status === 200)).toHaveLength(1);
    const [row] = await query<{ refunded_amount: string; disputed_amount: string }>(
      "select refunded_amount, disputed_amount from issuing_transactions where id = $1",
      [capture],
    );
    expect(Number(row?.refunded_amount) + Number(row?.disputed_amount)).toBe(800);
  });

  it("disputes opened and resolved racing refunds and authorizations of the same card answer no 5xx", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 100_000);
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      const capture = await captured(m, card.id, 1_000);
      const submitted = await captured(m, card.id, 1_000);
      const dispute = await open(m, {
        transaction: submitted,
        reason: "other",
        amount: 500,
        evidence: { explanation: "Never arrived." },
      });
      await submit(m, dispute.body.id);
      const racing = await Promise.all([
        refund(m, capture, 300),
        open(m, { transaction: capture, reason: "other", amount: 300 }),
        refund(m, submitted, 200),
        resolve(m, dispute.body.id, "won"),
        authorize(m.sandbox, card.id, 10),
      ]);
      statuses.push(...racing.map((res) => res.status));
    }
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });
});
