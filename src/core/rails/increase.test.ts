import { describe, expect, it } from "vitest";
import { statusOf } from "./increase";

const transfer = { id: "ach_transfer_x", status: "submitted", settlement: null, return: null };

describe("Increase ACH transfer statuses as rail statuses", () => {
  it("in flight until a settlement, then settled at its time", () => {
    for (const status of ["pending_approval", "pending_submission", "submitted", "requires_attention"]) {
      expect(statusOf({ ...transfer, status })).toEqual({ state: "submitted" });
    }
    const settledAt = "2026-12-04T13:30:00Z";
    expect(statusOf({ ...transfer, settlement: { settled_at: settledAt } })).toEqual({
      state: "settled",
      at: new Date(settledAt),
    });
  });

  it("a return names its Nacha code; a rejection or cancel Increase's", () => {
    const returned = statusOf({
      ...transfer,
      status: "returned",
      return: {
        created_at: "2026-12-07T10:00:00Z",
        raw_return_reason_code: "R01",
        return_reason_code: "insufficient_fund",
      },
    });
    expect(returned).toMatchObject({ state: "returned", code: "R01", at: new Date("2026-12-07T10:00:00Z") });
    expect(statusOf({ ...transfer, status: "rejected" })).toMatchObject({
      state: "failed",
      code: "increase_rejected",
    });
    expect(statusOf({ ...transfer, status: "canceled" })).toMatchObject({
      state: "failed",
      code: "increase_canceled",
    });
  });

  it("an unknown status is an error, never taken for an outcome", () => {
    expect(() => statusOf({ ...transfer, status: "something_new" })).toThrow(/unknown ACH transfer status/);
  });
});
