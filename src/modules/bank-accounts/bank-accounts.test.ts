import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { generateBankDetails } from "../../core/bank-details";

interface BankAccount {
  id: string;
  object: string;
  status: string;
  last4: string;
  fingerprint: string;
  customer: string | null;
  routing: Record<string, string>;
  verification: { attempts_remaining: number; failure_reason: string | null } | null;
  sandbox_micro_deposits: { amounts: number[] | null; descriptor_code: string | null } | null;
}

const DAY = 86_400;
const at = (days: number) => ({ "x-test-clock-offset-seconds": String(days * DAY) });

function usAccount() {
  const details = generateBankDetails("US");
  return {
    account_holder_name: "Ada Lovelace",
    account_holder_type: "individual",
    country: "US",
    currency: "USD",
    routing_number: details.routing.routing_number,
    account_number: details.accountNumber,
  };
}

function ibanAccount(country = "DE") {
  const { iban } = generateBankDetails(country);
  return { account_holder_name: "Ada GmbH", account_holder_type: "company", country, currency: "EUR", iban };
}

async function save(m: TestMerchant, body: Record<string, unknown>): Promise<BankAccount> {
  const created = await m.sandbox.request<BankAccount>("POST", "/bank-accounts", body);
  expect(created.status, created.text).toBe(200);
  return created.body;
}

async function countAccounts(m: TestMerchant): Promise<number> {
  const rows = await query<{ n: number }>(
    "select count(*)::int as n from bank_accounts where merchant_id = $1",
    [m.merchantId],
  );
  return rows[0]?.n ?? 0;
}

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

describe("bank accounts: verification", () => {
  it("verifies by two micro-deposit amounts, read from the sandbox field", async () => {
    const m = await createMerchant();
    const account = await save(m, usAccount());
    const started = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/micro-deposits`,
      {},
    );
    expect(started.body.status).toBe("pending_verification");
    const amounts = started.body.sandbox_micro_deposits?.amounts ?? [];
    expect(amounts).toHaveLength(2);
    for (const amount of amounts) expect(amount).toBeGreaterThanOrEqual(1);
    for (const amount of amounts) expect(amount).toBeLessThanOrEqual(99);
    const wrong = amounts.map((a) => (a % 99) + 1);
    const mismatch = await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, {
      amounts: wrong,
    });
    expectError(mismatch, 400, "verification_mismatch");
    const retrieved = await m.sandbox.request<BankAccount>("GET", `/bank-accounts/${account.id}`);
    expect(retrieved.body.verification?.attempts_remaining).toBe(2);
    const verified = await m.sandbox.request<BankAccount>("POST", `/bank-accounts/${account.id}/verify`, {
      amounts: [...amounts].reverse(),
    });
    expect(verified.body.status).toBe("verified");
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, { amounts }),
      409,
      "verification_not_pending",
    );
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [account.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      "bank_account.created",
      "bank_account.verification_pending",
      "bank_account.updated",
      "bank_account.verified",
    ]);
  });

  it("verifies by descriptor code (SM + 4)", async () => {
    const m = await createMerchant();
    const account = await save(m, ibanAccount("NL"));
    const started = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/micro-deposits`,
      {
        type: "descriptor_code",
      },
    );
    const code = started.body.sandbox_micro_deposits?.descriptor_code ?? "";
    expect(code).toMatch(/^SM[A-Z0-9]{4}$/);
    expect(started.body.sandbox_micro_deposits?.amounts).toHaveLength(1);
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, { amounts: [1, 2] }),
      400,
      "parameter_missing",
    );
    const verified = await m.sandbox.request<BankAccount>("POST", `/bank-accounts/${account.id}/verify`, {
      descriptor_code: code.toLowerCase(),
    });
    expect(verified.body.status).toBe("verified");
  });

  it("fails after three wrong attempts, and after 10 days", async () => {
    const m = await createMerchant();
    const account = await save(m, usAccount());
    const started = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/micro-deposits`,
      {},
    );
    const amounts = started.body.sandbox_micro_deposits?.amounts ?? [];
    const wrong = { amounts: amounts.map((a) => (a % 99) + 1) };
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, wrong),
      400,
      "verification_mismatch",
    );
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, wrong),
      400,
      "verification_mismatch",
    );
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, wrong),
      400,
      "verification_failed",
    );
    const failed = await m.sandbox.request<BankAccount>("GET", `/bank-accounts/${account.id}`);
    expect(failed.body).toMatchObject({
      status: "verification_failed",
      verification: { attempts_remaining: 0, failure_reason: "too_many_attempts" },
    });
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, { amounts }),
      409,
      "verification_not_pending",
    );

    // A failed account may start again; the new deposits expire after 10 days.
    const restarted = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/micro-deposits`,
      {},
    );
    const fresh = restarted.body.sandbox_micro_deposits?.amounts ?? [];
    const late = await m.sandbox.request(
      "POST",
      `/bank-accounts/${account.id}/verify`,
      { amounts: fresh },
      at(10),
    );
    expectError(late, 400, "verification_failed");
    const expired = await m.sandbox.request<BankAccount>("GET", `/bank-accounts/${account.id}`);
    expect(expired.body).toMatchObject({
      status: "verification_failed",
      verification: { failure_reason: "expired" },
    });
  });

  it("counts concurrent wrong attempts once each: never more than three", async () => {
    const m = await createMerchant();
    const account = await save(m, usAccount());
    const started = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/micro-deposits`,
      {},
    );
    const wrong = { amounts: (started.body.sandbox_micro_deposits?.amounts ?? []).map((a) => (a % 99) + 1) };
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        m.sandbox.request("POST", `/bank-accounts/${account.id}/verify`, wrong),
      ),
    );
    const codes = results.map((r) => (r.body as { error?: { code?: string } }).error?.code);
    expect(
      codes.every((c) =>
        [
          "verification_mismatch",
          "verification_failed",
          "resource_conflict",
          "verification_not_pending",
        ].includes(c ?? ""),
      ),
    ).toBe(true);
    const [row] = await query<{ verification_attempts: number; status: string }>(
      "select verification_attempts, status from bank_accounts where id = $1",
      [account.id],
    );
    expect(row?.verification_attempts).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === "verification_mismatch" || c === "verification_failed")).toHaveLength(
      row?.verification_attempts ?? -1,
    );
  });

  it("verifies instantly through the sandbox provider; magic account numbers fail", async () => {
    const m = await createMerchant();
    const ok = await save(m, usAccount());
    const verified = await m.sandbox.request<BankAccount>("POST", `/bank-accounts/${ok.id}/verify/instant`);
    expect(verified.body.status).toBe("verified");
    const closed = await save(m, { ...usAccount(), account_number: "0001000002" });
    const failed = await m.sandbox.request<BankAccount>("POST", `/bank-accounts/${closed.id}/verify/instant`);
    expect(failed.body).toMatchObject({
      status: "verification_failed",
      verification: { failure_reason: "account_closed" },
    });
    expectError(
      await m.sandbox.request("POST", `/bank-accounts/${ok.id}/verify/instant`),
      409,
      "verification_not_pending",
    );
  });

  it("refuses simulated verification in production", async () => {
    const m = await createMerchant();
    const created = await m.production.request<BankAccount>("POST", "/bank-accounts", usAccount());
    expectError(
      await m.production.request("POST", `/bank-accounts/${created.body.id}/verify/micro-deposits`, {}),
      400,
      "verification_method_unavailable",
    );
    expectError(
      await m.production.request("POST", `/bank-accounts/${created.body.id}/verify/instant`),
      400,
      "verification_method_unavailable",
    );
  });
});

describe("mandates", () => {
  async function verifiedAccount(m: TestMerchant, body: Record<string, unknown>): Promise<BankAccount> {
    const account = await save(m, body);
    const verified = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify/instant`,
    );
    expect(verified.body.status, verified.text).toBe("verified");
    return account;
  }

  it("creates ACH and SEPA mandates on verified accounts, with unique references; revokes them", async () => {
    const m = await createMerchant();
    const us = await verifiedAccount(m, usAccount());
    const ach = await m.sandbox.request<{ id: string; status: string; reference: string; type: string }>(
      "POST",
      "/mandates",
      {
        bank_account: us.id,
        type: "ach_debit",
        acceptance: { type: "online", ip_address: "203.0.113.5", user_agent: "test" },
      },
    );
    expect(ach.status, ach.text).toBe(200);
    expect(ach.body).toMatchObject({ status: "active", type: "ach_debit" });
    expect(ach.body.reference).toMatch(/^MP-[A-Z0-9]{20}$/);
    const de = await verifiedAccount(m, ibanAccount());
    const sepa = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
      bank_account: de.id,
      type: "sepa_debit",
      reference: "ADA-0001",
      acceptance: { type: "offline" },
    });
    expect(sepa.status).toBe(200);
    expectError(
      await m.sandbox.request("POST", "/mandates", {
        bank_account: de.id,
        type: "sepa_debit",
        reference: "ADA-0001",
        acceptance: { type: "offline" },
      }),
      409,
      "resource_conflict",
    );
    const revoked = await m.sandbox.request<{ status: string }>("POST", `/mandates/${ach.body.id}/revoke`);
    expect(revoked.body.status).toBe("revoked");
    expectError(
      await m.sandbox.request("POST", `/mandates/${ach.body.id}/revoke`),
      409,
      "mandate_not_active",
    );
    const listed = await m.sandbox.request<{ data: Array<{ id: string }> }>(
      "GET",
      `/mandates?bank_account=${de.id}`,
    );
    expect(listed.body.data.map((x) => x.id)).toEqual([sepa.body.id]);
    // Deleting the account revokes its mandates.
    await m.sandbox.request("DELETE", `/bank-accounts/${de.id}`);
    const after = await m.sandbox.request<{ status: string }>("GET", `/mandates/${sepa.body.id}`);
    expect(after.body.status).toBe("revoked");
    const other = await createMerchant();
    expectError(await other.sandbox.request("GET", `/mandates/${sepa.body.id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/mandates/${sepa.body.id}`), 404, "resource_missing");
  });

  it("expires on its date, by the clock", async () => {
    const m = await createMerchant();
    const us = await verifiedAccount(m, usAccount());
    const expiresAt = new Date(Date.now() + 5 * DAY * 1000).toISOString();
    const mandate = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
      bank_account: us.id,
      type: "ach_debit",
      acceptance: { type: "online" },
      expires_at: expiresAt,
    });
    expect(
      (await m.sandbox.request<{ status: string }>("GET", `/mandates/${mandate.body.id}`)).body.status,
    ).toBe("active");
    const later = await m.sandbox.request<{ status: string }>(
      "GET",
      `/mandates/${mandate.body.id}`,
      undefined,
      at(6),
    );
    expect(later.body.status).toBe("expired");
    expectError(
      await m.sandbox.request("POST", `/mandates/${mandate.body.id}/revoke`, undefined, at(6)),
      409,
      "mandate_not_active",
    );
  });

  it("refuses unverified accounts and the wrong account for the type; stores nothing", async () => {
    const m = await createMerchant();
    const unverified = await save(m, usAccount());
    const acceptance = { type: "online" };
    expectError(
      await m.sandbox.request("POST", "/mandates", {
        bank_account: unverified.id,
        type: "ach_debit",
        acceptance,
      }),
      409,
      "bank_account_unverified",
    );
    const us = await verifiedAccount(m, usAccount());
    expectError(
      await m.sandbox.request("POST", "/mandates", { bank_account: us.id, type: "sepa_debit", acceptance }),
      400,
      "currency_unsupported",
    );
    const ch = await verifiedAccount(m, { ...ibanAccount("CH"), currency: "CHF" });
    expectError(
      await m.sandbox.request("POST", "/mandates", { bank_account: ch.id, type: "sepa_debit", acceptance }),
      400,
      "currency_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/mandates", {
        bank_account: "ba_missing",
        type: "ach_debit",
        acceptance,
      }),
      404,
      "resource_missing",
    );
    expectError(
      await m.sandbox.request("POST", "/mandates", {
        bank_account: us.id,
        type: "ach_debit",
        acceptance,
        expires_at: "2000-01-01T00:00:00Z",
      }),
      400,
      "parameter_invalid",
    );
    const rows = await query<{ n: number }>(
      "select count(*)::int as n from mandates where merchant_id = $1",
      [m.merchantId],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
