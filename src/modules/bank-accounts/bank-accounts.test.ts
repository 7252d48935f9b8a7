import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { generateBankDetails } from "../../core/bank-details";
import { type BankAccount, countAccounts, ibanAccount, save, usAccount } from "./test-accounts";

describe("bank accounts: saving", () => {
  it("saves an account for a customer and for the merchant, returns only the last 4 and seals the number", async () => {
    const m = await createMerchant();
    const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "ba@example.com",
    });
    const body = { ...usAccount(), customer: customer.body.id, metadata: { ref: "1" } };
    const account = await save(m, body);
    expect(account).toMatchObject({
      object: "bank_account",
      status: "new",
      customer: customer.body.id,
      last4: body.account_number.slice(-4),
      routing: { routing_number: body.routing_number },
      verification: null,
      sandbox_micro_deposits: null,
    });
    expect(JSON.stringify(account)).not.toContain(body.account_number);
    const [stored] = await query<Record<string, unknown>>("select * from bank_accounts where id = $1", [
      account.id,
    ]);
    expect(JSON.stringify(stored)).not.toContain(body.account_number);
    expect(String(stored?.account_number_sealed)).toMatch(/^v1\./);

    const own = await save(m, ibanAccount());
    expect(own.customer).toBeNull();
    const listed = await m.sandbox.request<{ data: BankAccount[] }>(
      "GET",
      `/bank-accounts?customer=${customer.body.id}`,
    );
    expect(listed.body.data.map((a) => a.id)).toEqual([account.id]);
    const all = await m.sandbox.request<{ data: BankAccount[] }>("GET", "/bank-accounts");
    expect(all.body.data.map((a) => a.id)).toEqual([own.id, account.id]);
    const events = await query<{ type: string }>("select type from events where object_id = $1", [
      account.id,
    ]);
    expect(events.map((e) => e.type)).toEqual(["bank_account.created"]);
  });

  it("dedupes by fingerprint per merchant and environment: 409 naming the existing account", async () => {
    const m = await createMerchant();
    const body = usAccount();
    const first = await save(m, body);
    const again = await m.sandbox.request("POST", "/bank-accounts", {
      ...body,
      account_holder_name: "Other",
    });
    expectError(again, 409, "bank_account_exists");
    expect(again.text).toContain(first.id);
    // The same account in production, or for another merchant, is another account.
    expect((await m.production.request("POST", "/bank-accounts", body)).status).toBe(200);
    const other = await createMerchant();
    const theirs = await save(other, body);
    expect(theirs.fingerprint).toBe(first.fingerprint);
    // A GB account given as sort code + account or as IBAN is the same account.
    const gb = generateBankDetails("GB");
    const gbBase = {
      account_holder_name: "Ada",
      account_holder_type: "individual",
      country: "GB",
      currency: "GBP",
    };
    await save(m, { ...gbBase, sort_code: gb.routing.sort_code, account_number: gb.accountNumber });
    expectError(
      await m.sandbox.request("POST", "/bank-accounts", { ...gbBase, iban: gb.iban }),
      409,
      "bank_account_exists",
    );
    // Deleted accounts may be saved again.
    await m.sandbox.request("DELETE", `/bank-accounts/${first.id}`);
    expect((await m.sandbox.request("POST", "/bank-accounts", body)).status).toBe(200);
  });

  it("lets exactly one of concurrent saves of the same account through", async () => {
    const m = await createMerchant();
    const body = ibanAccount("FR");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => m.sandbox.request("POST", "/bank-accounts", body)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 409, "bank_account_exists");
    expect(await countAccounts(m)).toBe(1);
  });

  it("refuses bad details with a catalog code and stores nothing", async () => {
    const m = await createMerchant();
    const us = usAccount();
    const de = ibanAccount();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...de, iban: "DE89 3704 0044 0532 0130" }, 400, "iban_invalid"],
      [{ ...de, iban: `${de.iban?.slice(0, 2)}00${de.iban?.slice(4)}` }, 400, "iban_invalid"],
      [{ ...de, iban: "not an iban" }, 400, "iban_invalid"],
      [{ ...de, bic: "XXXX" }, 400, "bic_invalid"],
      [{ ...us, routing_number: "110000001" }, 400, "routing_number_invalid"],
      [{ ...us, account_number: "12" }, 400, "bank_account_number_invalid"],
      [{ ...us, currency: "EUR" }, 400, "currency_unsupported"],
      [{ ...de, currency: "usd" }, 400, "currency_invalid"],
      [{ ...de, country: "ZZ" }, 400, "bank_account_country_unsupported"],
      [{ ...us, iban: de.iban }, 400, "parameter_invalid"],
      [{ ...us, customer: "cus_doesnotexist" }, 404, "resource_missing"],
      [{ ...us, account_holder_type: "robot" }, 400, "parameter_invalid"],
      [{ ...us, nickname: "x" }, 400, "parameter_unknown"],
      [
        {
          account_holder_name: "A",
          account_holder_type: "individual",
          country: "MX",
          currency: "MXN",
          clabe: "002010077777777772",
        },
        400,
        "bank_account_number_invalid",
      ],
      [
        {
          account_holder_name: "A",
          account_holder_type: "individual",
          country: "GB",
          currency: "GBP",
          sort_code: "100010",
          account_number: "00000001",
        },
        400,
        "bank_account_number_invalid",
      ],
    ];
    for (const [body, status, code] of cases)
      expectError(await m.sandbox.request("POST", "/bank-accounts", body), status, code);
    expect(await countAccounts(m)).toBe(0);
  });

  it("keeps merchants and environments apart, and replays a retried create", async () => {
    const m = await createMerchant();
    const body = usAccount();
    const key = { "idempotency-key": `ba-${Date.now()}` };
    const first = await m.sandbox.request<BankAccount>("POST", "/bank-accounts", body, key);
    const replay = await m.sandbox.request<BankAccount>("POST", "/bank-accounts", body, key);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await countAccounts(m)).toBe(1);
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("GET", `/bank-accounts/${first.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("GET", `/bank-accounts/${first.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("POST", `/bank-accounts/${first.body.id}/verify/instant`),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("DELETE", `/bank-accounts/${first.body.id}`),
      404,
      "resource_missing",
    );
  });
});
