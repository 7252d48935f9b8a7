import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { at, type BankAccount, DAY, ibanAccount, save, usAccount } from "./test-accounts";

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
    const key = { "idempotency-key": `revoke-${Date.now()}` };
    const second = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
      bank_account: us.id,
      type: "ach_debit",
      acceptance: { type: "online" },
    });
    const once = await m.sandbox.request("POST", `/mandates/${second.body.id}/revoke`, undefined, key);
    const twice = await m.sandbox.request("POST", `/mandates/${second.body.id}/revoke`, undefined, key);
    expect(twice.headers.get("idempotent-replayed")).toBe("true");
    expect(twice.text).toBe(once.text);
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

  it("concurrent revokes, and concurrent deletes of the account, each change once with one event", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    const mandate = async () => {
      const created = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
        bank_account: account.id,
        type: "ach_debit",
        acceptance: { type: "offline" },
      });
      expect(created.status, created.text).toBe(200);
      return created.body.id;
    };
    const eventsOf = (id: string, type: string) =>
      query("select id from events where object_id = $1 and type = $2", [id, type]);
    const revoked = await mandate();
    const revokes = await Promise.all(
      Array.from({ length: 5 }, () => m.sandbox.request("POST", `/mandates/${revoked}/revoke`)),
    );
    expect(revokes.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of revokes.filter((answer) => answer.status !== 200)) {
      expectError(answer, 409, "mandate_not_active");
    }
    expect(await eventsOf(revoked, "mandate.revoked")).toHaveLength(1);

    const withAccount = await mandate();
    const deletes = await Promise.all(
      Array.from({ length: 5 }, () => m.sandbox.request("DELETE", `/bank-accounts/${account.id}`)),
    );
    expect(deletes.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of deletes.filter((answer) => answer.status !== 200)) {
      expectError(answer, 404, "resource_missing");
    }
    expect(await eventsOf(account.id, "bank_account.deleted")).toHaveLength(1);
    const after = await m.sandbox.request<{ status: string }>("GET", `/mandates/${withAccount}`);
    expect(after.body.status).toBe("revoked");
    // Revoked with its account: the mandate's change is an event like any revoke, once.
    expect(await eventsOf(withAccount, "mandate.revoked")).toHaveLength(1);
    expect(await eventsOf(revoked, "mandate.revoked")).toHaveLength(1);
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
