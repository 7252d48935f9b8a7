import { isValidIBAN } from "ibantools";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  bankCountryCodes,
  countryCurrencies,
  isValidAbaRouting,
  isValidClabe,
  isValidUkAccount,
  parseBankDetails,
} from "../../core/bank-details";

interface GlobalAccount {
  id: string;
  status: string;
  country: string;
  currency: string;
  bank_details: {
    scheme: string;
    iban: string | null;
    bic: string | null;
    account_number: string | null;
    routing: Record<string, string>;
  };
}

interface Transfer {
  id: string;
  status: string;
  amount: number;
  currency: string;
  return_reason: string | null;
  payer: { name: string; iban: string | null; reference: string | null };
  conversion: { id: string | null; currency: string; amount: number | null; failure: string | null } | null;
}

async function open(m: TestMerchant, body: Record<string, unknown>): Promise<GlobalAccount> {
  const created = await m.sandbox.request<GlobalAccount>("POST", "/global-accounts", body);
  expect(created.status, created.text).toBe(200);
  return created.body;
}

async function available(m: TestMerchant, currency: string): Promise<number> {
  return (await m.sandbox.request<{ available: number }>("GET", `/balances/${currency}`)).body.available;
}

const payer = {
  payer_name: "Acme SARL",
  payer_iban: "FR14 2004 1010 0505 0001 3M02 606",
  reference: "INV-42",
};

describe("global accounts: details", () => {
  it("opens accounts with valid local details in every supported country (30+)", async () => {
    const m = await createMerchant();
    expect(bankCountryCodes.length).toBeGreaterThanOrEqual(30);
    const opened = await Promise.all(
      bankCountryCodes.map((country) => open(m, { country, currency: countryCurrencies(country)[0] })),
    );
    for (const account of opened) {
      const { bank_details: details, country } = account;
      if (details.scheme === "iban") {
        expect(isValidIBAN(details.iban ?? ""), details.iban ?? "").toBe(true);
        expect(details.bic).toMatch(/^[A-Z]{6}[A-Z0-9]{2}$/);
        expect(parseBankDetails(country, { iban: details.iban, bic: details.bic }).iban).toBe(details.iban);
      } else if (details.scheme === "mx_clabe") {
        expect(isValidClabe(details.account_number ?? "")).toBe(true);
      } else {
        parseBankDetails(country, { ...details.routing, account_number: details.account_number });
      }
      if (country === "US") expect(isValidAbaRouting(details.routing.routing_number ?? "")).toBe(true);
      if (country === "GB") {
        expect(isValidUkAccount(details.routing.sort_code ?? "", details.account_number ?? "")).toBe(true);
        expect(isValidIBAN(details.iban ?? "")).toBe(true);
      }
    }
    expect(opened.filter((a) => a.bank_details.scheme === "iban").length).toBeGreaterThanOrEqual(25);
    const keys = new Set(
      opened.map((a) => `${a.country}:${a.bank_details.iban ?? a.bank_details.account_number}`),
    );
    expect(keys.size).toBe(opened.length);
    const events = await query<{ n: number }>(
      "select count(*)::int as n from events where merchant_id = $1 and type = 'global_account.created'",
      [m.merchantId],
    );
    expect(events[0]?.n).toBe(opened.length);
  });

  it("refuses unsupported countries and currencies, storing nothing; keeps tenants apart; replays retries", async () => {
    const m = await createMerchant();
    expectError(
      await m.sandbox.request("POST", "/global-accounts", { country: "ZZ", currency: "EUR" }),
      400,
      "bank_account_country_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/global-accounts", { country: "US", currency: "EUR" }),
      400,
      "currency_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/global-accounts", {
        country: "DE",
        currency: "EUR",
        auto_convert_to: "EUR",
      }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/global-accounts", { country: "DE", currency: "eur" }),
      400,
      "currency_invalid",
    );
    const rows = await query<{ n: number }>(
      "select count(*)::int as n from global_accounts where merchant_id = $1",
      [m.merchantId],
    );
    expect(rows[0]?.n).toBe(0);

    const key = { "idempotency-key": `ga-${Date.now()}` };
    const first = await m.sandbox.request<GlobalAccount>(
      "POST",
      "/global-accounts",
      { country: "NL", currency: "EUR" },
      key,
    );
    const replay = await m.sandbox.request<GlobalAccount>(
      "POST",
      "/global-accounts",
      { country: "NL", currency: "EUR" },
      key,
    );
    expect(replay.body).toEqual(first.body);
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("GET", `/global-accounts/${first.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("GET", `/global-accounts/${first.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("POST", `/global-accounts/${first.body.id}/close`),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("POST", `/global-accounts/${first.body.id}/simulate-incoming-transfer`, {
        amount: 1,
        currency: "EUR",
        payer_name: "x",
      }),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("GET", `/global-accounts/${first.body.id}/transfers`),
      404,
      "resource_missing",
    );
  });
});

describe("global accounts: incoming transfers", () => {
  it("credits the available balance through the ledger, keeps the payer details and raises the event", async () => {
    const m = await createMerchant();
    const account = await open(m, { country: "DE", currency: "EUR" });
    const received = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      {
        amount: 12_345,
        currency: "EUR",
        ...payer,
      },
    );
    expect(received.status, received.text).toBe(200);
    expect(received.body).toMatchObject({
      status: "received",
      amount: 12_345,
      payer: { name: "Acme SARL", iban: "FR1420041010050500013M02606", reference: "INV-42" },
      conversion: null,
    });
    expect(await available(m, "EUR")).toBe(12_345);
    const entries = await query<{ kind: string; amount: string }>(
      `select a.kind, e.amount from ledger_entries e join ledger_accounts a on a.id = e.account_id
       join ledger_transactions t on t.id = e.transaction_id where t.source = $1 order by a.kind`,
      [`global_account_transfer:${received.body.id}:received`],
    );
    expect(entries.map((e) => [e.kind, Number(e.amount)])).toEqual([
      ["funding_in_transit", -12_345],
      ["merchant_available", 12_345],
    ]);
    const events = await query<{ type: string }>("select type from events where object_id = $1", [
      received.body.id,
    ]);
    expect(events.map((e) => e.type)).toEqual(["global_account.transfer.received"]);
    const listed = await m.sandbox.request<{ data: Transfer[] }>(
      "GET",
      `/global-accounts/${account.id}/transfers`,
    );
    expect(listed.body.data.map((t) => t.id)).toEqual([received.body.id]);
  });

  it("converts on receipt at the quoted rate, recording the markup", async () => {
    await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    const m = await createMerchant();
    const account = await open(m, { country: "GB", currency: "GBP", auto_convert_to: "USD" });
    const received = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      {
        amount: 100_000,
        currency: "GBP",
        payer_name: "Bob Ltd",
      },
    );
    expect(received.status, received.text).toBe(200);
    const conversion = received.body.conversion;
    expect(conversion).toMatchObject({ currency: "USD", failure: null });
    expect(conversion?.id).toMatch(/^fxc_/);
    expect(await available(m, "GBP")).toBe(0);
    expect(await available(m, "USD")).toBe(conversion?.amount);
    const fx = await m.sandbox.request<{
      sell_amount: number;
      buy_amount: number;
      markup_amount: number;
      markup_bps: number;
    }>("GET", `/fx/conversions/${conversion?.id}`);
    expect(fx.body).toMatchObject({ sell_amount: 100_000, buy_amount: conversion?.amount });
    expect(fx.body.markup_bps).toBeGreaterThan(0);
    expect(fx.body.markup_amount).toBeGreaterThan(0);
  });

  it("changes auto_convert_to later: converting starts and stops with it", async () => {
    await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    const m = await createMerchant();
    const account = await open(m, { country: "NL", currency: "EUR" });
    expectError(
      await m.sandbox.request("POST", `/global-accounts/${account.id}`, { auto_convert_to: "EUR" }),
      400,
      "parameter_invalid",
    );
    const updated = await m.sandbox.request<{ auto_convert_to: string | null }>(
      "POST",
      `/global-accounts/${account.id}`,
      {
        auto_convert_to: "GBP",
      },
    );
    expect(updated.body.auto_convert_to).toBe("GBP");
    const converted = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      {
        amount: 5_000,
        currency: "EUR",
        payer_name: "Dora",
      },
    );
    expect(converted.body.conversion?.currency).toBe("GBP");
    await m.sandbox.request("POST", `/global-accounts/${account.id}`, { auto_convert_to: null });
    const kept = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      {
        amount: 700,
        currency: "EUR",
        payer_name: "Dora",
      },
    );
    expect(kept.body.conversion).toBeNull();
    expect(await available(m, "EUR")).toBe(700);
    const events = await query<{ previous_attributes: Record<string, unknown> }>(
      "select previous_attributes from events where object_id = $1 and type = 'global_account.updated' order by created_at",
      [account.id],
    );
    expect(events.map((e) => e.previous_attributes)).toEqual([
      { auto_convert_to: null },
      { auto_convert_to: "GBP" },
    ]);
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("POST", `/global-accounts/${account.id}`, { metadata: {} }),
      404,
      "resource_missing",
    );
  });

  it("concurrent closes: one closes the account and writes global_account.closed, the others are refused", async () => {
    const m = await createMerchant();
    const account = await open(m, { country: "FR", currency: "EUR" });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => m.sandbox.request("POST", `/global-accounts/${account.id}/close`)),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((answer) => answer.status !== 200)) {
      expectError(answer, 409, "global_account_closed");
    }
    const closedEvents = await query(
      "select id from events where object_id = $1 and type = 'global_account.closed'",
      [account.id],
    );
    expect(closedEvents).toHaveLength(1);
  });

  it("returns transfers to a closed account, crediting nothing; refuses the wrong currency and production", async () => {
    const m = await createMerchant();
    const account = await open(m, { country: "FR", currency: "EUR" });
    expectError(
      await m.sandbox.request("POST", `/global-accounts/${account.id}/simulate-incoming-transfer`, {
        amount: 500,
        currency: "USD",
        payer_name: "x",
      }),
      400,
      "currency_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", `/global-accounts/${account.id}/simulate-incoming-transfer`, {
        amount: 500,
        currency: "EUR",
        payer_name: "x",
        payer_iban: "FR00 1234",
      }),
      400,
      "iban_invalid",
    );
    const closed = await m.sandbox.request<GlobalAccount>("POST", `/global-accounts/${account.id}/close`);
    expect(closed.body.status).toBe("closed");
    expectError(
      await m.sandbox.request("POST", `/global-accounts/${account.id}/close`),
      409,
      "global_account_closed",
    );
    const key = { "idempotency-key": `close-${Date.now()}` };
    const other = await open(m, { country: "FR", currency: "EUR" });
    const closedOnce = await m.sandbox.request("POST", `/global-accounts/${other.id}/close`, undefined, key);
    const closedAgain = await m.sandbox.request("POST", `/global-accounts/${other.id}/close`, undefined, key);
    expect(closedAgain.headers.get("idempotent-replayed")).toBe("true");
    expect(closedAgain.text).toBe(closedOnce.text);
    const returned = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      {
        amount: 500,
        currency: "EUR",
        payer_name: "x",
      },
    );
    expect(returned.body).toMatchObject({ status: "returned", return_reason: "account_closed" });
    expect(await available(m, "EUR")).toBe(0);
    const transfers = await query<{ n: number }>(
      "select count(*)::int as n from global_account_transfers where merchant_id = $1",
      [m.merchantId],
    );
    expect(transfers[0]?.n).toBe(1);

    const live = await m.production.request<GlobalAccount>("POST", "/global-accounts", {
      country: "DE",
      currency: "EUR",
    });
    expectError(
      await m.production.request("POST", `/global-accounts/${live.body.id}/simulate-incoming-transfer`, {
        amount: 1,
        currency: "EUR",
        payer_name: "x",
      }),
      403,
      "sandbox_only",
    );
  });

  it("credits once per Idempotency-Key, and concurrent transfers all land", async () => {
    const m = await createMerchant();
    const account = await open(m, { country: "US", currency: "USD" });
    const body = { amount: 1_000, currency: "USD", payer_name: "Carol" };
    const key = { "idempotency-key": `gatr-${Date.now()}` };
    const first = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      body,
      key,
    );
    const again = await m.sandbox.request<Transfer>(
      "POST",
      `/global-accounts/${account.id}/simulate-incoming-transfer`,
      body,
      key,
    );
    expect(again.body.id).toBe(first.body.id);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        m.sandbox.request("POST", `/global-accounts/${account.id}/simulate-incoming-transfer`, body),
      ),
    );
    expect(await available(m, "USD")).toBe(11_000);
  });
});
