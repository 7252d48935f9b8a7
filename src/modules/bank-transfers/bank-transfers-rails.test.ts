import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { generateBankDetails } from "../../core/bank-details";
import type { Services } from "../../core/context";
import { rails, scheduleOnRail } from "../../core/rails";
import { usAccount } from "../bank-accounts/test-accounts";
import {
  balances,
  createTransfer,
  railNoon,
  retrieveTransfer,
  runBatchAt,
  verifiedAccount,
} from "./bank-transfers-testing";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

describe("bank transfers: pushes on the other credit rails", () => {
  it("a wire arrives the day of its cut-off; Faster Payments at once, from a GBP balance", async () => {
    const m = await createMerchant();
    const us = await verifiedAccount(m, usAccount());
    const gb = generateBankDetails("GB");
    const uk = await verifiedAccount(m, {
      account_holder_name: "Ada Ltd",
      account_holder_type: "company",
      country: "GB",
      currency: "GBP",
      sort_code: gb.routing.sort_code,
      account_number: gb.accountNumber,
    });
    for (const [currency, amount] of [
      ["USD", 30_000],
      ["GBP", 20_000],
    ] as const) {
      const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
        amount,
        currency,
        method: "wire",
      });
      expect(deposit.status, deposit.text).toBe(200);
      await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
    }

    const wire = await createTransfer(m, {
      direction: "push",
      amount: 25_000,
      currency: "USD",
      bank_account: us,
      rail: "wire",
    });
    expect(wire.status, wire.text).toBe(200);
    const schedule = scheduleOnRail(rails.wire, new Date(wire.body.created_at));
    expect(wire.body.arrival_date).toBe(schedule.windowDate);
    expect(wire.body.return_deadline).toBe(wire.body.arrival_date);
    await runBatchAt(services, m, new Date(schedule.windowAt.getTime() + 1_000));
    expect((await retrieveTransfer(m, wire.body.id)).status).toBe("settled");

    const fps = await createTransfer(m, {
      direction: "push",
      amount: 15_000,
      currency: "GBP",
      bank_account: uk,
      rail: "faster_payments",
    });
    expect(fps.status, fps.text).toBe(200);
    await runBatchAt(services, m, new Date(new Date(fps.body.created_at).getTime() + 1_000));
    expect((await retrieveTransfer(m, fps.body.id)).status).toBe("settled");
    const bacs = await createTransfer(m, {
      direction: "push",
      amount: 1_000,
      currency: "GBP",
      bank_account: uk,
    });
    expect(bacs.body.rail).toBe("bacs");
    await runBatchAt(services, m, railNoon(bacs.body, bacs.body.arrival_date));
    expect((await retrieveTransfer(m, bacs.body.id)).status).toBe("settled");
    // Each rail's fee: a wire's USD 15, Faster Payments' GBP 0.50, Bacs' GBP 0.20.
    expect([wire.body.fee, fps.body.fee, bacs.body.fee]).toEqual([1_500, 50, 20]);
    expect(await balances(m, "GBP")).toMatchObject({
      merchant_available: 4_000 - 50 - 20,
      bank_transfers_in_transit: 16_000,
      fees: 70,
    });
  });
});
