import { createMagnetPay } from "@magnetpay/sdk";
import { describe, expect, it } from "vitest";
import { fakeFetch, json, type Recorded } from "./fake-api";

/** 25 payments, newest first, served the way the API pages them (src/core/pagination.ts). */
const payments = Array.from({ length: 25 }, (_, index) => ({
  id: `pay_${String(25 - index).padStart(2, "0")}`,
}));

function page(request: Recorded): Response {
  const limit = Number(request.url.searchParams.get("limit") ?? "20");
  const after = request.url.searchParams.get("starting_after");
  const before = request.url.searchParams.get("ending_before");
  let rows = payments;
  if (after) rows = payments.slice(payments.findIndex((p) => p.id === after) + 1);
  if (before) {
    const end = payments.findIndex((p) => p.id === before);
    const start = Math.max(0, end - limit);
    return json(200, { object: "list", data: payments.slice(start, end), has_more: start > 0, url: "/x" });
  }
  return json(200, { object: "list", data: rows.slice(0, limit), has_more: rows.length > limit, url: "/x" });
}

function client() {
  const api = fakeFetch(Array.from({ length: 10 }, () => page));
  const magnetpay = createMagnetPay({ credentials: { keyId: "k", secret: "s" }, fetch: api.fetch });
  return { magnetpay, requests: api.requests };
}

describe("sdk auto-pagination", () => {
  it("for await follows starting_after through every page, keeping the filters", async () => {
    const { magnetpay, requests } = client();
    const seen: string[] = [];
    for await (const payment of magnetpay.payments.list({ limit: 10, currency: "USD" }))
      seen.push(payment.id);
    expect(seen).toEqual(payments.map((p) => p.id));
    expect(requests.map((r) => r.url.search)).toEqual([
      "?limit=10&currency=USD",
      "?limit=10&currency=USD&starting_after=pay_16",
      "?limit=10&currency=USD&starting_after=pay_06",
    ]);
  });

  it("starts after a given cursor, stops early on break, and caps toArray", async () => {
    const { magnetpay, requests } = client();
    const after = await magnetpay.payments.list({ limit: 5, starting_after: "pay_20" }).toArray();
    expect(after.map((p) => p.id)).toEqual(payments.slice(6).map((p) => p.id));

    requests.length = 0;
    for await (const payment of magnetpay.payments.list({ limit: 5 })) {
      if (payment.id === "pay_23") break;
    }
    expect(requests).toHaveLength(1);
    expect(await magnetpay.payments.list({ limit: 5 }).toArray(7)).toHaveLength(7);
  });

  it("walks backwards with ending_before, and pages() and firstPage() give whole pages", async () => {
    const { magnetpay } = client();
    const pages = [];
    for await (const listed of magnetpay.payments.list({ limit: 10, ending_before: "pay_03" }).pages()) {
      pages.push(listed.data.map((p) => p.id));
    }
    expect(pages).toEqual([
      payments.slice(12, 22).map((p) => p.id),
      payments.slice(2, 12).map((p) => p.id),
      payments.slice(0, 2).map((p) => p.id),
    ]);
    const first = await magnetpay.payments.list({ limit: 3 }).firstPage();
    expect(first).toMatchObject({ object: "list", has_more: true });
    expect(first.data).toHaveLength(3);
  });
});
