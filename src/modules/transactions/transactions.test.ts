import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import type { Transaction } from "./schemas";
import { csvField } from "./service";

async function fund(
  m: TestMerchant,
  amount: number,
  currency = "EUR",
): Promise<{ id: string; credit: string }> {
  const method = currency === "USD" ? "ach" : "wire";
  const declared = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method,
  });
  const received = await m.sandbox.request<{ transaction: string }>(
    "POST",
    `/sandbox/funding/deposits/${declared.body.id}/receive`,
  );
  return { id: declared.body.id, credit: received.body.transaction };
}

type List = { object: string; data: Transaction[]; has_more: boolean };

function csvLines(text: string): string[][] {
  return text
    .trim()
    .split("\r\n")
    .map((line) => line.split(","));
}

describe("transactions: the unified view", () => {
  it("lists every movement newest first with entries, and filters by type, currency, status, object and date", async () => {
    const m = await createMerchant();
    const eur = await fund(m, 1_000);
    const usd = await fund(m, 2_000, "USD");
    const all = await m.sandbox.request<List>("GET", "/transactions");
    expect(all.status).toBe(200);
    expect(all.body.object).toBe("list");
    expect(all.body.data).toHaveLength(4);
    expect(all.body.data.slice(0, 2).every((t) => t.source_object_id === usd.id)).toBe(true);
    for (const transaction of all.body.data) {
      expect(transaction.id).toMatch(/^ltx_/);
      expect(transaction.entries.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    }

    const ids = (list: { body: List }) => list.body.data.map((t) => t.id).sort();
    const inUsd = await m.sandbox.request<List>("GET", "/transactions?currency=USD");
    expect(inUsd.body.data.every((t) => t.currency === "USD")).toBe(true);
    expect(inUsd.body.data).toHaveLength(2);
    const posted = await m.sandbox.request<List>("GET", "/transactions?status=posted");
    expect(ids(posted)).toEqual([eur.credit, usd.credit].sort());
    const ofDeposit = await m.sandbox.request<List>("GET", `/transactions?source_object_id=${eur.id}`);
    expect(ofDeposit.body.data.map((t) => t.source_object_id)).toEqual([eur.id, eur.id]);
    expect((await m.sandbox.request<List>("GET", "/transactions?type=funding")).body.data).toHaveLength(4);
    expect((await m.sandbox.request<List>("GET", "/transactions?type=payout")).body.data).toEqual([]);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect((await m.sandbox.request<List>("GET", `/transactions?created_gte=${future}`)).body.data).toEqual(
      [],
    );

    const page1 = await m.sandbox.request<List>("GET", "/transactions?limit=3");
    expect(page1.body.has_more).toBe(true);
    const page2 = await m.sandbox.request<List>(
      "GET",
      `/transactions?limit=3&starting_after=${page1.body.data.at(-1)?.id}`,
    );
    expect([...page1.body.data, ...page2.body.data].map((t) => t.id)).toEqual(all.body.data.map((t) => t.id));
  });

  it("retrieves one transaction with its signed entries and source object", async () => {
    const m = await createMerchant();
    const { id, credit } = await fund(m, 4_200, "GBP");
    const transaction = await m.sandbox.request<Transaction>("GET", `/transactions/${credit}`);
    expect(transaction.status).toBe(200);
    expect(transaction.body).toMatchObject({
      id: credit,
      object: "transaction",
      environment: "sandbox",
      type: "funding",
      status: "posted",
      amount: 4_200,
      currency: "GBP",
      source_object_id: id,
      entries: [
        { account: "pending", amount: -4_200, currency: "GBP" },
        { account: "available", amount: 4_200, currency: "GBP" },
      ],
    });
    expectError(await m.sandbox.request("GET", "/transactions/ltx_nope"), 404, "resource_missing");
  });

  it("refuses bad filters with a code", async () => {
    const m = await createMerchant();
    expectError(await m.sandbox.request("GET", "/transactions?type=gift"), 400, "parameter_invalid");
    expectError(await m.sandbox.request("GET", "/transactions?status=settled"), 400, "parameter_invalid");
    expectError(await m.sandbox.request("GET", "/transactions?currency=usd"), 400, "currency_invalid");
    expectError(
      await m.sandbox.request("GET", "/transactions?starting_after=ltx_nope"),
      400,
      "cursor_invalid",
    );
    expectError(await m.sandbox.request("GET", "/transactions/export"), 400, "parameter_missing");
    expectError(await m.sandbox.request("GET", "/transactions/export?format=xlsx"), 400, "parameter_invalid");
  });
});

describe("transactions: CSV export", () => {
  it("streams every entry oldest first across many database pages, as a consistent file", async () => {
    const m = await createMerchant();
    await fund(m, 5_000);
    // 1,200 more balanced postings written in one statement: more than two export chunks.
    await query(
      `with accounts as (
         select max(id) filter (where kind = 'merchant_available') as available,
                max(id) filter (where kind = 'funding_in_transit') as in_transit,
                max(balance) filter (where kind = 'merchant_available') as base
           from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'EUR'),
       txs as (
         insert into ledger_transactions
           (id, merchant_id, environment, source, type, status, amount, currency, description, created_at)
         select 'ltx_bulk' || lpad(i::text, 5, '0') || substr(md5($1), 1, 11), $1, 'sandbox',
                'bulk:' || $1 || ':' || i, 'adjustment', 'posted', 1, 'EUR', 'Bulk, "quoted" ' || i,
                now() - interval '1 day' + i * interval '1 second'
           from generate_series(1, 1200) as i
         returning id, created_at),
       entries as (
         insert into ledger_entries
           (id, transaction_id, account_id, merchant_id, environment, position, amount, currency, balance_after, created_at)
         select 'len_bulk' || e.position || t.id, t.id,
                case when e.position = 0 then a.in_transit else a.available end, $1, 'sandbox', e.position,
                case when e.position = 0 then -1 else 1 end, 'EUR', 0, t.created_at
           from txs t cross join accounts a cross join (values (0), (1)) as e(position)
         returning 1)
       update ledger_accounts set balance = balance + case when kind = 'merchant_available' then 1200 else -1200 end
        where merchant_id = $1 and environment = 'sandbox' and currency = 'EUR'
          and kind in ('merchant_available', 'funding_in_transit')
          and (select count(*) from entries) = 2400`,
      [m.merchantId],
    );
    const response = await fetch(`${baseUrl()}/api/v1/transactions/export?format=csv`, {
      headers: m.sandbox.headers,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="transactions-/);
    const text = await response.text();
    const rows = csvLines(text);
    expect(rows[0]?.[0]).toBe("transaction_id");
    expect(rows).toHaveLength(1 + 2 * 1200 + 4);
    const ids = rows.slice(1).map((row) => row[0]);
    expect(new Set(ids).size).toBe(1202);
    expect(ids[0]).toMatch(/^ltx_bulk00001/);
    expect(ids[2 * 1200 - 1]).toMatch(/^ltx_bulk01200/);
    expect(text).toContain('"Bulk, ""quoted"" 7"');
    const sum = rows.slice(1).reduce((total, row) => total + Number(row[row.length - 3]), 0);
    expect(sum).toBe(0);
  });

  it("applies the list's filters, and keeps environments apart", async () => {
    const m = await createMerchant();
    const eur = await fund(m, 1_234);
    await fund(m, 99, "USD");
    const usd = await m.sandbox.request("GET", "/transactions/export?format=csv&currency=USD");
    const usdRows = csvLines(usd.text).slice(1);
    expect(usdRows).toHaveLength(4);
    expect(usdRows.every((row) => row[8] === "USD" && (row[9] === "0.99" || row[9] === "-0.99"))).toBe(true);
    const credits = await m.sandbox.request(
      "GET",
      `/transactions/export?format=csv&status=posted&source_object_id=${eur.id}`,
    );
    expect(csvLines(credits.text).slice(1)).toEqual([
      [
        eur.credit,
        expect.any(String),
        "funding",
        "posted",
        eur.id,
        `Funding deposit ${eur.id} credited`,
        "pending",
        "-1234",
        "EUR",
        "-12.34",
      ],
      [
        eur.credit,
        expect.any(String),
        "funding",
        "posted",
        eur.id,
        `Funding deposit ${eur.id} credited`,
        "available",
        "1234",
        "EUR",
        "12.34",
      ],
    ]);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const none = await m.sandbox.request("GET", `/transactions/export?format=csv&created_gte=${future}`);
    expect(csvLines(none.text)).toHaveLength(1);
    const production = await m.production.request("GET", "/transactions/export?format=csv");
    expect(csvLines(production.text)).toHaveLength(1);
    const other = await createMerchant();
    expect(
      csvLines((await other.sandbox.request("GET", "/transactions/export?format=csv")).text),
    ).toHaveLength(1);
  });

  it("quotes CSV fields and defuses spreadsheet formulas", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(-250)).toBe("-250");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1,2")).toBe('"\'+1,2"');
    expect(csvField("@SUM")).toBe("'@SUM");
  });
});

describe("transactions: isolation", () => {
  it("another merchant's or environment's transaction is a 404, and never listed", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const { credit } = await fund(m, 10);
    expectError(await other.sandbox.request("GET", `/transactions/${credit}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/transactions/${credit}`), 404, "resource_missing");
    expect((await other.sandbox.request<List>("GET", "/transactions")).body.data).toEqual([]);
    expect((await m.production.request<List>("GET", "/transactions")).body.data).toEqual([]);
    expectError(
      await m.production.request("GET", `/transactions?starting_after=${credit}`),
      400,
      "cursor_invalid",
    );
  });
});
