import { describe, expect, it } from "vitest";
import { nodeServices } from "../test/node-services";
import { findFunction } from ".";

describe("ledger-invariants function", () => {
  it("runs hourly over the whole ledger and reports it clean", async () => {
    const fn = findFunction("ledger-invariants");
    if (!fn) throw new Error("ledger-invariants is not registered");
    expect(fn.schedule).toBe("0 * * * *");
    const services = nodeServices();
    try {
      const result = await fn.handler(services, {});
      expect(result).toMatchObject({ ok: true, violations: [] });
      expect(result.transactions_checked).toEqual(expect.any(Number));
      expect(result.accounts_checked).toEqual(expect.any(Number));
    } finally {
      await services.close();
    }
  });
});
