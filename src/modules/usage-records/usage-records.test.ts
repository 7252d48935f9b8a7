import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";

interface UsageRecord {
  id: string;
  object: string;
  identifier: string;
  value: string;
  duplicate: boolean;
  timestamp: string;
}

interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: Array<{
    index: number;
    status: string;
    id: string | null;
    error: { code: string; param: string | null } | null;
  }>;
}

interface Summary {
  data: Array<{ group: string | null; value: string }>;
}

async function setup(m: TestMerchant, aggregation: Record<string, string> = { formula: "sum" }, extra = {}) {
  const customer = (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "User" })).body.id;
  const meter = (
    await m.sandbox.request<{ id: string }>("POST", "/meters", { display_name: "m", aggregation, ...extra })
  ).body.id;
  return { customer, meter };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
let counter = 0;
const uniqueId = (prefix: string) => `${prefix}-${Date.now()}-${counter++}`;

describe("usage records: ingestion", () => {
  it("stores a record once: the same identifier again is a duplicate answered with the stored record", async () => {
    const m = await createMerchant();
    const { customer, meter } = await setup(m);
    const identifier = uniqueId("once");
    const first = await m.sandbox.request<UsageRecord>("POST", "/usage-records", {
      meter,
      customer,
      identifier,
      value: 2.5,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: "usage_record", identifier, value: "2.5", duplicate: false });
    expect(first.body.id).toMatch(/^ur_/);
    const again = await m.sandbox.request<UsageRecord>("POST", "/usage-records", {
      meter,
      customer,
      identifier,
      value: 99,
    });
    expect(again.body).toMatchObject({ id: first.body.id, value: "2.5", duplicate: true });
    expect(await query("select id from usage_records where merchant_id = $1", [m.merchantId])).toHaveLength(
      1,
    );
  });

  it("refuses late, future, unknown and inactive with a catalog code", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const { customer, meter } = await setup(m);
    const otherSetup = await setup(other);
    const base = { meter, customer };
    const cases: Array<[unknown, number, string, string?]> = [
      [
        { ...base, identifier: uniqueId("late"), timestamp: minutesAgo(36 * 24 * 60) },
        400,
        "usage_timestamp_out_of_range",
        "timestamp",
      ],
      [
        { ...base, identifier: uniqueId("ahead"), timestamp: minutesAgo(-6) },
        400,
        "usage_timestamp_out_of_range",
        "timestamp",
      ],
      [{ ...base, identifier: uniqueId("neg"), value: -1 }, 400, "parameter_invalid", "value"],
      [{ ...base, identifier: "" }, 400, "parameter_invalid", "identifier"],
      [{ ...base, meter: otherSetup.meter, identifier: uniqueId("x") }, 404, "resource_missing", "meter"],
      [
        { ...base, customer: otherSetup.customer, identifier: uniqueId("x") },
        404,
        "resource_missing",
        "customer",
      ],
      [{ ...base, identifier: "x".repeat(100_000) }, 400, "parameter_invalid", "identifier"],
      [{ ...base, identifier: "nul\u0000" }, 400, "parameter_characters_invalid"],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>("POST", "/usage-records", body);
      expectError(response, status, code);
      if (param) expect(response.body.error.param, JSON.stringify(body).slice(0, 200)).toBe(param);
    }
    // Up to 35 days late and 5 minutes ahead is fine.
    for (const timestamp of [minutesAgo(34 * 24 * 60), minutesAgo(-4)]) {
      expect(
        (
          await m.sandbox.request("POST", "/usage-records", {
            ...base,
            identifier: uniqueId("edge"),
            timestamp,
          })
        ).status,
      ).toBe(200);
    }
    await m.sandbox.request("PATCH", `/meters/${meter}`, { active: false });
    expectError(
      await m.sandbox.request("POST", "/usage-records", { ...base, identifier: uniqueId("off") }),
      400,
      "meter_inactive",
    );
    expect(await query("select id from usage_records where merchant_id = $1", [m.merchantId])).toHaveLength(
      2,
    );
    expectError(
      await m.production.request("POST", "/usage-records", { ...base, identifier: uniqueId("prod") }),
      404,
      "resource_missing",
    );
  });

  it("keeps the good records of a batch, reports the bad ones per item, and ignores duplicates", async () => {
    const m = await createMerchant();
    const { customer, meter } = await setup(m);
    const seen = uniqueId("seen");
    await m.sandbox.request("POST", "/usage-records", { meter, customer, identifier: seen });
    const repeated = uniqueId("twice");
    const records = [
      { meter, customer, identifier: uniqueId("a") },
      { meter, customer, identifier: seen },
      { meter, customer, identifier: uniqueId("late"), timestamp: minutesAgo(40 * 24 * 60) },
      { meter: "mtr_missing", customer, identifier: uniqueId("b") },
      { meter, customer, identifier: repeated, value: 1 },
      { meter, customer, identifier: repeated, value: 2 },
      "not an object",
      { meter, customer, identifier: uniqueId("c"), extra: true },
    ];
    const response = await m.sandbox.request<BatchResult>("POST", "/usage-records/batch", { records });
    expect(response.status).toBe(200);
    expect(
      response.body.results.map((result) => [
        result.status,
        result.error?.code ?? null,
        result.error?.param ?? null,
      ]),
    ).toEqual([
      ["accepted", null, null],
      ["duplicate", null, null],
      ["rejected", "usage_timestamp_out_of_range", "timestamp"],
      ["rejected", "resource_missing", "meter"],
      ["accepted", null, null],
      ["duplicate", null, null],
      ["rejected", "parameter_invalid", null],
      ["rejected", "parameter_unknown", "extra"],
    ]);
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 2, rejected: 4 });
    expect(await query("select id from usage_records where merchant_id = $1", [m.merchantId])).toHaveLength(
      3,
    );
    expectError(
      await m.sandbox.request("POST", "/usage-records/batch", { records: [] }),
      400,
      "parameter_invalid",
    );
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ meter, customer, identifier: `too-${i}` }));
    expectError(
      await m.sandbox.request("POST", "/usage-records/batch", { records: tooMany }),
      400,
      "parameter_invalid",
    );
  });

  it("takes 1,000 records in one batch, and concurrent batches with the same identifiers store each once", async () => {
    const m = await createMerchant();
    const { customer, meter } = await setup(m);
    const prefix = uniqueId("bulk");
    const records = Array.from({ length: 1000 }, (_, i) => ({
      meter,
      customer,
      identifier: `${prefix}-${i}`,
      value: 1,
    }));
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        m.sandbox.request<BatchResult>("POST", "/usage-records/batch", { records }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(responses.reduce((sum, response) => sum + response.body.accepted, 0)).toBe(1000);
    expect(responses.reduce((sum, response) => sum + response.body.duplicates, 0)).toBe(3000);
    const stored = await query<{ count: string }>(
      "select count(*) from usage_records where merchant_id = $1",
      [m.merchantId],
    );
    expect(stored[0]?.count).toBe("1000");
  });
});

describe("usage records: summaries per aggregation", () => {
  const period = () => {
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    return { start: new Date(end.getTime() - 60 * 60_000), end };
  };
  const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();

  async function summarize(
    formula: string,
    extra: Record<string, unknown> = {},
    property?: string,
  ): Promise<Summary> {
    const m = await createMerchant();
    const aggregation: Record<string, string> = property ? { formula, property } : { formula };
    const { customer, meter } = await setup(m, aggregation, extra);
    const { start, end } = period();
    const records = [
      { minutes: 0, value: 4, properties: { user: "a", region: "eu" } },
      { minutes: 15, value: 2, properties: { user: "b", region: "eu" } },
      { minutes: 30, value: 6, properties: { user: "a", region: "us" } },
      { minutes: 45, value: 1.5, properties: { user: "c", region: "eu" } },
    ].map((record, i) => ({
      meter,
      customer,
      identifier: uniqueId(`s${i}`),
      timestamp: at(start, record.minutes),
      value: record.value,
      properties: record.properties,
    }));
    // Outside the period: counted nowhere.
    records.push({
      meter,
      customer,
      identifier: uniqueId("before"),
      timestamp: at(start, -1),
      value: 100,
      properties: { user: "z", region: "eu" },
    });
    const batch = await m.sandbox.request<BatchResult>("POST", "/usage-records/batch", { records });
    expect(batch.body.accepted).toBe(5);
    const summary = await m.sandbox.request<Summary>(
      "GET",
      `/usage-records/summary?meter=${meter}&customer=${customer}&start_time=${encodeURIComponent(start.toISOString())}&end_time=${encodeURIComponent(end.toISOString())}`,
    );
    expect(summary.status).toBe(200);
    return summary.body;
  }

  it.each([
    ["count", {}, undefined, [{ group: null, value: "4" }]],
    ["count_unique", {}, "user", [{ group: null, value: "3" }]],
    ["sum", {}, undefined, [{ group: null, value: "13.5" }]],
    ["max", {}, undefined, [{ group: null, value: "6" }]],
    ["latest", {}, undefined, [{ group: null, value: "1.5" }]],
    // 4 for 15 min, 2 for 15, 6 for 15, 1.5 for 15, over 60 min: (4 + 2 + 6 + 1.5) / 4.
    ["weighted_sum", {}, undefined, [{ group: null, value: "3.375" }]],
    ["sum", { filter: { region: "eu" } }, undefined, [{ group: null, value: "7.5" }]],
    [
      "sum",
      { group_by: "region" },
      undefined,
      [
        { group: "eu", value: "7.5" },
        { group: "us", value: "6" },
      ],
    ],
  ])("%s %j", async (formula, extra, property, expected) => {
    expect((await summarize(formula, extra, property)).data).toEqual(expected);
  });

  it("answers 404 for another tenant's meter and refuses an empty period", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const { customer, meter } = await setup(m);
    const { start, end } = period();
    const range = `start_time=${encodeURIComponent(start.toISOString())}&end_time=${encodeURIComponent(end.toISOString())}`;
    expectError(
      await other.sandbox.request(
        "GET",
        `/usage-records/summary?meter=${meter}&customer=${customer}&${range}`,
      ),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request(
        "GET",
        `/usage-records/summary?meter=${meter}&customer=${customer}&${range}`,
      ),
      404,
      "resource_missing",
    );
    const backwards = `start_time=${encodeURIComponent(end.toISOString())}&end_time=${encodeURIComponent(start.toISOString())}`;
    expectError(
      await m.sandbox.request(
        "GET",
        `/usage-records/summary?meter=${meter}&customer=${customer}&${backwards}`,
      ),
      400,
      "parameter_invalid",
    );
    const empty = await m.sandbox.request<Summary>(
      "GET",
      `/usage-records/summary?meter=${meter}&customer=${customer}&${range}`,
    );
    expect(empty.body.data).toEqual([{ group: null, value: "0" }]);
  });
});
