import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { at, type BankAccount, ibanAccount, save, usAccount } from "./test-accounts";

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

  it("replays retried transitions with the same Idempotency-Key instead of refusing them", async () => {
    const m = await createMerchant();
    const account = await save(m, usAccount());
    const key = { "idempotency-key": `md-${Date.now()}` };
    const path = `/bank-accounts/${account.id}/verify/micro-deposits`;
    const first = await m.sandbox.request<BankAccount>("POST", path, {}, key);
    const again = await m.sandbox.request<BankAccount>("POST", path, {}, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const amounts = first.body.sandbox_micro_deposits?.amounts ?? [];
    const verifyKey = { "idempotency-key": `v-${Date.now()}` };
    const verified = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify`,
      { amounts },
      verifyKey,
    );
    const replayed = await m.sandbox.request<BankAccount>(
      "POST",
      `/bank-accounts/${account.id}/verify`,
      { amounts },
      verifyKey,
    );
    expect(replayed.body).toEqual(verified.body);
    expect(replayed.body.status).toBe("verified");
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
