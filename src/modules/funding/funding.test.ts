import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { pooledServices } from "../../../test/pooled-services";
import type { Services } from "../../core/context";
import { checkLedgerInvariants } from "../../core/ledger";
import { isValidAbaRouting, isValidIban } from "./bank-details";
import type { FundingDeposit, FundingInstructions } from "./schemas";

let services: Services & { end(): Promise<void> };
beforeAll(() => {
  services = pooledServices(2);
});
afterAll(async () => {
  await services.end();
});

interface Balance {
  currency: string;
  available: number;
  pending: number;
  reserved: number;
}
interface Transaction {
  id: string;
  type: string;
  status: string;
  amount: number;
  currency: string;
  source_object_id: string;
  entries: Array<{ account: string; amount: number; currency: string }>;
}

const declare = (m: TestMerchant, body: Record<string, unknown> = {}) =>
  m.sandbox.request<FundingDeposit>("POST", "/funding/deposits", {
    amount: 250_000,
    currency: "EUR",
    method: "wire",
    ...body,
  });

describe("funding: a merchant funds its balance by wire", () => {
  it("declares a wire, simulates its arrival and sees it in available, Transactions and the CSV, with events", async () => {
    const m = await createMerchant();
    const instructions = await m.sandbox.request<FundingInstructions>(
      "GET",
      "/funding/instructions?currency=EUR",
    );
    expect(instructions.status).toBe(200);
    expect(instructions.body).toMatchObject({
      object: "funding_instructions",
      environment: "sandbox",
      currency: "EUR",
      methods: ["sepa", "wire", "swift"],
    });
    const iban = instructions.body.bank_account.iban ?? "";
    expect(isValidIban(iban)).toBe(true);
    expect(instructions.body.bank_account.bic).toMatch(/^[A-Z]{6}[A-Z0-9]{2}$/);
    const reference = instructions.body.reference;
    expect(reference).toMatch(/^MP[0-9A-Z]{14}$/);
    const stored = await query<{ merchant_id: string }>(
      "select merchant_id from funding_references where reference = $1",
      [reference],
    );
    expect(stored).toEqual([{ merchant_id: m.merchantId }]);

    const expectedAt = new Date(Date.now() + 86_400_000).toISOString();
    const declared = await declare(m, { expected_at: expectedAt, metadata: { invoice: "42" } });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({
      object: "funding_deposit",
      environment: "sandbox",
      amount: 250_000,
      amount_received: null,
      currency: "EUR",
      method: "wire",
      status: "pending",
      reference,
      expected_at: expectedAt,
      transaction: null,
      metadata: { invoice: "42" },
    });
    expect(declared.body.id).toMatch(/^fdep_/);
    const id = declared.body.id;

    const before = await m.sandbox.request<Balance>("GET", "/balances/EUR");
    expect(before.body).toMatchObject({ available: 0, pending: 0, reserved: 0 });

    const received = await m.sandbox.request<FundingDeposit>(
      "POST",
      `/sandbox/funding/deposits/${id}/receive`,
    );
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: "credited", amount_received: 250_000 });
    expect(received.body.transaction).toMatch(/^ltx_/);
    expect(received.body.received_at).not.toBeNull();
    expect(received.body.credited_at).not.toBeNull();
    expect((await m.sandbox.request<FundingDeposit>("GET", `/funding/deposits/${id}`)).body).toEqual(
      received.body,
    );

    const balance = await m.sandbox.request<Balance>("GET", "/balances/EUR");
    expect(balance.body).toMatchObject({
      object: "balance",
      currency: "EUR",
      available: 250_000,
      pending: 0,
    });

    const transactions = await m.sandbox.request<{ data: Transaction[] }>(
      "GET",
      `/transactions?source_object_id=${id}`,
    );
    // Both postings happen in the same instant, so find them by status rather than by position.
    const credit = transactions.body.data.find((t) => t.status === "posted");
    const arrival = transactions.body.data.find((t) => t.status === "pending");
    expect(transactions.body.data).toHaveLength(2);
    expect(credit).toMatchObject({ id: received.body.transaction, type: "funding", amount: 250_000 });
    expect(credit?.entries).toEqual([
      { account: "pending", amount: -250_000, currency: "EUR" },
      { account: "available", amount: 250_000, currency: "EUR" },
    ]);
    expect(arrival).toMatchObject({ type: "funding", amount: 250_000, source_object_id: id });
    expect(arrival?.entries).toEqual([
      { account: "funding_in_transit", amount: -250_000, currency: "EUR" },
      { account: "pending", amount: 250_000, currency: "EUR" },
    ]);

    const csv = await m.sandbox.request("GET", "/transactions/export?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "transaction_id,created_at,type,status,source_object_id,description,account,amount,currency,amount_decimal",
    );
    expect(lines.slice(1).filter((line) => line.includes(",available,250000,EUR,2500.00"))).toHaveLength(1);
    expect(lines).toHaveLength(5);

    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, id",
      [id],
    );
    expect(events.map((e) => e.type).sort()).toEqual([
      "funding.deposit.created",
      "funding.deposit.credited",
      "funding.deposit.received",
    ]);

    expectError(
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${id}/receive`),
      409,
      "deposit_already_received",
    );
    expectError(
      await m.sandbox.request("POST", `/funding/deposits/${id}/cancel`),
      409,
      "deposit_already_received",
    );
    expect((await m.sandbox.request<Balance>("GET", "/balances/EUR")).body.available).toBe(250_000);
    const report = await checkLedgerInvariants(
      {
        merchantId: m.merchantId,
        environment: "sandbox",
      },
      services.db,
    );
    expect(report.violations).toEqual([]);
    expect(report.transactions_checked).toBe(2);
  });

  it("credits the amount that actually arrived when it differs, and replays an idempotent arrival", async () => {
    const m = await createMerchant();
    const { body: deposit } = await declare(m, { amount: 10_000, currency: "USD", method: "ach" });
    const headers = { "idempotency-key": `arrival-${deposit.id}` };
    const first = await m.sandbox.request<FundingDeposit>(
      "POST",
      `/sandbox/funding/deposits/${deposit.id}/receive`,
      { amount: 9_950 },
      headers,
    );
    expect(first.body).toMatchObject({ status: "credited", amount: 10_000, amount_received: 9_950 });
    const replay = await m.sandbox.request<FundingDeposit>(
      "POST",
      `/sandbox/funding/deposits/${deposit.id}/receive`,
      { amount: 9_950 },
      headers,
    );
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect((await m.sandbox.request<Balance>("GET", "/balances/USD")).body.available).toBe(9_950);
    const postings = await query("select id from ledger_transactions where source_object_id = $1", [
      deposit.id,
    ]);
    expect(postings).toHaveLength(2);
  });

  it("cancels or fails a pending deposit, after which it can't arrive", async () => {
    const m = await createMerchant();
    const { body: canceledDeposit } = await declare(m);
    const canceled = await m.sandbox.request<FundingDeposit>(
      "POST",
      `/funding/deposits/${canceledDeposit.id}/cancel`,
    );
    expect(canceled.body).toMatchObject({ status: "canceled" });
    expect(canceled.body.canceled_at).not.toBeNull();
    expectError(
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${canceledDeposit.id}/receive`),
      409,
      "resource_conflict",
    );
    expectError(
      await m.sandbox.request("POST", `/funding/deposits/${canceledDeposit.id}/cancel`),
      409,
      "resource_conflict",
    );

    const { body: failing } = await declare(m, { currency: "GBP", method: "swift" });
    const failed = await m.sandbox.request<FundingDeposit>(
      "POST",
      `/sandbox/funding/deposits/${failing.id}/fail`,
      {
        failure_reason: "Beneficiary name mismatch",
      },
    );
    expect(failed.body).toMatchObject({ status: "failed", failure_reason: "Beneficiary name mismatch" });
    expectError(
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${failing.id}/receive`),
      409,
      "resource_conflict",
    );
    const events = await query<{ type: string }>(
      "select type from events where object_id = any($1) order by type",
      [[canceledDeposit.id, failing.id]],
    );
    expect(events.map((e) => e.type)).toEqual([
      "funding.deposit.canceled",
      "funding.deposit.created",
      "funding.deposit.created",
      "funding.deposit.failed",
    ]);
    expect(await query("select 1 from ledger_transactions where merchant_id = $1", [m.merchantId])).toEqual(
      [],
    );
  });

  it("lists deposits newest first, filtered by status and currency", async () => {
    const m = await createMerchant();
    const eur = await declare(m);
    const usd = await declare(m, { currency: "USD", method: "wire" });
    await m.sandbox.request("POST", `/sandbox/funding/deposits/${eur.body.id}/receive`);
    const all = await m.sandbox.request<{ object: string; data: FundingDeposit[]; has_more: boolean }>(
      "GET",
      "/funding/deposits",
    );
    expect(all.body.object).toBe("list");
    expect(all.body.data.map((d) => d.id)).toEqual([usd.body.id, eur.body.id]);
    const credited = await m.sandbox.request<{ data: FundingDeposit[] }>(
      "GET",
      "/funding/deposits?status=credited",
    );
    expect(credited.body.data.map((d) => d.id)).toEqual([eur.body.id]);
    const dollars = await m.sandbox.request<{ data: FundingDeposit[] }>(
      "GET",
      "/funding/deposits?currency=USD",
    );
    expect(dollars.body.data.map((d) => d.id)).toEqual([usd.body.id]);
    const page = await m.sandbox.request<{ data: FundingDeposit[]; has_more: boolean }>(
      "GET",
      "/funding/deposits?limit=1",
    );
    expect(page.body.has_more).toBe(true);
  });

  it("gives account and routing numbers for USD, sort code and account for GBP", async () => {
    const m = await createMerchant();
    const usd = await m.sandbox.request<FundingInstructions>("GET", "/funding/instructions?currency=USD");
    expect(usd.body.methods).toEqual(["ach", "wire", "swift"]);
    expect(isValidAbaRouting(usd.body.bank_account.routing_number ?? "")).toBe(true);
    expect(usd.body.bank_account.account_number).toMatch(/^\d+$/);
    expect(usd.body.bank_account.iban).toBeNull();
    const gbp = await m.sandbox.request<FundingInstructions>("GET", "/funding/instructions?currency=GBP");
    expect(gbp.body.bank_account.sort_code).toMatch(/^\d{2}-\d{2}-\d{2}$/);
    expect(gbp.body.bank_account.account_number).toMatch(/^\d{8}$/);
    expect(isValidIban(gbp.body.bank_account.iban ?? "")).toBe(true);
    expect(gbp.body.reference).toBe(usd.body.reference);
  });
});

describe("funding: errors", () => {
  it("refuses unsupported currencies, mismatched methods and bad fields with a code", async () => {
    const m = await createMerchant();
    expectError(
      await m.sandbox.request("GET", "/funding/instructions?currency=JPY"),
      400,
      "currency_unsupported",
    );
    expectError(
      await m.sandbox.request("GET", "/funding/instructions?currency=eur"),
      400,
      "currency_invalid",
    );
    expectError(await m.sandbox.request("GET", "/funding/instructions"), 400, "parameter_missing");
    expectError(await declare(m, { currency: "JPY" }), 400, "currency_unsupported");
    const sepaUsd = await declare(m, { currency: "USD", method: "sepa" });
    expectError(sepaUsd, 400, "funding_method_invalid");
    expect((sepaUsd.body as unknown as { error: { param: string } }).error.param).toBe("method");
    expectError(await declare(m, { currency: "EUR", method: "ach" }), 400, "funding_method_invalid");
    expectError(await declare(m, { method: "cheque" }), 400, "parameter_invalid");
    expectError(await declare(m, { amount: -5 }), 400, "amount_invalid");
    expectError(await declare(m, { amount: 10.5 }), 400, "amount_invalid");
    expectError(await declare(m, { expected_at: "tomorrow" }), 400, "parameter_invalid");
    expectError(await declare(m, { iban: "x" }), 400, "parameter_unknown");
    expectError(await m.sandbox.request("GET", "/funding/deposits/fdep_nope"), 404, "resource_missing");
    const { body: deposit } = await declare(m);
    expectError(
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.id}/receive`, { amount: 0 }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.id}/receive`, { currency: "USD" }),
      400,
      "parameter_unknown",
    );
    expect(
      (await m.sandbox.request<FundingDeposit>("GET", `/funding/deposits/${deposit.id}`)).body.status,
    ).toBe("pending");
  });
});

describe("funding: security", () => {
  it("sandbox helpers refuse production keys and sessions with sandbox_only, and other merchants with 404", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const { body: deposit } = await declare(m);
    for (const action of ["receive", "fail"]) {
      const path = `/sandbox/funding/deposits/${deposit.id}/${action}`;
      expectError(await m.production.request("POST", path), 403, "sandbox_only");
      const productionSession = client({ ...m.dashboard.headers, "x-environment": "production" });
      expectError(await productionSession.request("POST", path), 403, "sandbox_only");
      expectError(await other.sandbox.request("POST", path), 404, "resource_missing");
    }
    expect(
      (await m.sandbox.request<FundingDeposit>("GET", `/funding/deposits/${deposit.id}`)).body.status,
    ).toBe("pending");
  });

  it("keeps environments apart: references, deposits and balances", async () => {
    const m = await createMerchant();
    const sandbox = await m.sandbox.request<FundingInstructions>("GET", "/funding/instructions?currency=EUR");
    const production = await m.production.request<FundingInstructions>(
      "GET",
      "/funding/instructions?currency=EUR",
    );
    expect(production.body.environment).toBe("production");
    expect(production.body.reference).not.toBe(sandbox.body.reference);
    expect(production.body.bank_account.iban).not.toBe(sandbox.body.bank_account.iban);
    expect(isValidIban(production.body.bank_account.iban ?? "")).toBe(true);

    const { body: deposit } = await declare(m);
    await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.id}/receive`);
    const productionDeposit = await m.production.request<FundingDeposit>("POST", "/funding/deposits", {
      amount: 100,
      currency: "EUR",
      method: "sepa",
    });
    expect(productionDeposit.body).toMatchObject({ environment: "production", status: "pending" });
    const listed = await m.production.request<{ data: FundingDeposit[] }>("GET", "/funding/deposits");
    expect(listed.body.data.map((d) => d.id)).toEqual([productionDeposit.body.id]);
    expect((await m.production.request<{ data: Balance[] }>("GET", "/balances")).body.data).toEqual([]);
    expect((await m.sandbox.request<{ data: Balance[] }>("GET", "/balances")).body.data).toHaveLength(1);
  });
});
