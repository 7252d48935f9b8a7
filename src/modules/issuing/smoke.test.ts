import { describe, expect, it } from "vitest";
import { createMerchant } from "../../../test/harness";
import { activeLoadedCard, authorize } from "./testing";

describe("smoke", () => {
  it("issues, loads, authorizes, captures", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 10_000);
    expect(card.balance).toBe(10_000);
    const auth = await authorize(m.sandbox, card.id, 2_500);
    expect(auth.status, auth.text).toBe(200);
    expect(auth.body.approved).toBe(true);
    const capture = await m.sandbox.request(
      "POST",
      `/sandbox/issuing/authorizations/${auth.body.id}/capture`,
      { amount: 2_000 },
    );
    expect(capture.status, capture.text).toBe(200);
    const read = await m.sandbox.request<{ balance: number }>("GET", `/issuing/cards/${card.id}`);
    expect(read.body.balance).toBe(8_000);
  });
});
