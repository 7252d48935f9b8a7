import { randomBytes } from "node:crypto";
import { NeonDbError, neon, neonConfig } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { bigint, boolean, integer, jsonb, numeric, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { type NeonHttpEndpoint, startNeonHttp } from "./neon-http";
import { fetchRoundTrips, type RoundTripStatsServer, RoundTrips, startRoundTripStats } from "./roundtrips";

// 127.0.0.1:5432 when it answers, otherwise the suite's embedded PostgreSQL.
const DATABASE_URL = inject("localStackDatabaseUrl");

// Per-run names: several engineers share the database.
const suffix = randomBytes(4).toString("hex");
const ITEMS = `nh_items_${suffix}`;
const TYPES = `nh_types_${suffix}`;
const RAISE = `nh_raise_${suffix}`;

// The tables are created in SQL below; these are only drizzle's view of them.
const items = pgTable(ITEMS, {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  qty: integer("qty").notNull(),
});

const typed = pgTable(TYPES, {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  big: bigint("big", { mode: "bigint" }),
  amount: numeric("amount"),
  doc: jsonb("doc"),
  at: timestamp("at", { withTimezone: true, mode: "date" }),
  tags: text("tags").array(),
  nums: integer("nums").array(),
  flag: boolean("flag"),
});

let endpoint: NeonHttpEndpoint;
let roundTrips: RoundTrips;
let stats: RoundTripStatsServer;

/**
 * The trace header as the Worker must add it: `fetchOptions` replaces the driver's headers object
 * wholesale, so a per-query trace travels as an extra fetchOptions property and a global
 * fetchFunction turns it into the header (see README "Client configuration").
 */
function tracingFetch(input: string, init: RequestInit & { magnetpayTrace?: string }): Promise<Response> {
  const { magnetpayTrace, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (magnetpayTrace !== undefined) headers.set("X-MagnetPay-Trace", magnetpayTrace);
  return fetch(input, { ...rest, headers });
}

function traced(trace: string) {
  return neon(DATABASE_URL, { fetchOptions: { magnetpayTrace: trace } });
}

const sql = neon(DATABASE_URL);
const db = drizzle({ client: sql });

/** The NeonDbError a rejected promise carries, directly or as drizzle's `cause`. */
async function neonError(promise: Promise<unknown>): Promise<NeonDbError> {
  try {
    await promise;
  } catch (err) {
    let current: unknown = err;
    while (current instanceof Error) {
      if (current instanceof NeonDbError) return current;
      current = current.cause;
    }
    throw new Error(`expected a NeonDbError, got ${String(err)}`);
  }
  throw new Error("expected the query to fail");
}

beforeAll(async () => {
  roundTrips = new RoundTrips();
  endpoint = await startNeonHttp({ roundTrips });
  stats = await startRoundTripStats(roundTrips);
  // Exactly the configuration the Worker uses locally (README "Client configuration").
  neonConfig.fetchEndpoint = endpoint.url;
  neonConfig.fetchFunction = tracingFetch;

  await sql.query(`CREATE TABLE ${ITEMS} (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT ${ITEMS}_name_key UNIQUE,
    qty int NOT NULL CONSTRAINT ${ITEMS}_qty_check CHECK (qty >= 0))`);
  await sql.query(`CREATE TABLE ${TYPES} (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    big bigint, amount numeric, doc jsonb, at timestamptz, tags text[], nums int[], flag boolean)`);
  await sql.query(`CREATE FUNCTION ${RAISE}(amount bigint) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'insufficient funds' USING ERRCODE = 'MP001',
        DETAIL = format('requested %s, available 0', amount), HINT = 'top up first';
    END $$`);
});

afterAll(async () => {
  await sql.query(`DROP TABLE IF EXISTS ${ITEMS}, ${TYPES}`);
  await sql.query(`DROP FUNCTION IF EXISTS ${RAISE}(bigint)`);
  await stats?.close();
  await endpoint?.close();
});

beforeEach(async () => {
  await sql.query(`TRUNCATE ${ITEMS}, ${TYPES}`);
});

describe("single queries", () => {
  it("runs a tagged-template query with parameters", async () => {
    const rows = await sql`SELECT ${41}::int + 1 AS n, current_database() AS db, ${"x"} AS s`;
    expect(rows).toEqual([{ n: 42, db: new URL(DATABASE_URL).pathname.slice(1), s: "x" }]);
  });

  it("returns full results: fields, command, rowCount, array mode", async () => {
    const result = await sql.query("SELECT 1 AS one, 'a'::text AS letter", [], {
      fullResults: true,
      arrayMode: true,
    });
    expect(result.command).toBe("SELECT");
    expect(result.rowCount).toBe(1);
    expect(result.rows).toEqual([[1, "a"]]);
    expect(result.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ["one", 23],
      ["letter", 25],
    ]);
    const insert = await sql.query(`INSERT INTO ${ITEMS} (name, qty) VALUES ('a', 1), ('b', 2)`, [], {
      fullResults: true,
    });
    expect(insert.command).toBe("INSERT");
    expect(insert.rowCount).toBe(2);
  });

  it("refuses several statements in one query, as Neon's extended protocol does", async () => {
    const err = await neonError(sql.query("SELECT 1; SELECT 2"));
    expect(err.code).toBe("42601");
  });

  it("works through drizzle's neon-http driver", async () => {
    const [inserted] = await db.insert(items).values({ name: "widget", qty: 3 }).returning();
    expect(inserted).toMatchObject({ name: "widget", qty: 3 });
    const found = await db.select().from(items).where(eq(items.name, "widget"));
    expect(found).toEqual([inserted]);
  });
});

describe("batches (sql.transaction, db.batch)", () => {
  it("runs a batch as one transaction and returns every result", async () => {
    const [insert, count] = await sql.transaction([
      sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('a', 1) RETURNING name`,
      sql`SELECT count(*)::int AS n FROM ${sql.unsafe(ITEMS)}`,
    ]);
    expect(insert).toEqual([{ name: "a" }]);
    expect(count).toEqual([{ n: 1 }]);
  });

  it("rolls a batch that fails halfway back as a whole", async () => {
    const err = await neonError(
      sql.transaction([
        sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('first', 1)`,
        sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('second', -1)`,
      ]),
    );
    expect(err.code).toBe("23514");
    expect(await sql`SELECT name FROM ${sql.unsafe(ITEMS)}`).toEqual([]);
  });

  it("rolls a failing drizzle db.batch back as a whole", async () => {
    await db.insert(items).values({ name: "taken", qty: 1 });
    const err = await neonError(
      db.batch([
        db.insert(items).values({ name: "fresh", qty: 1 }),
        db.update(items).set({ qty: 5 }).where(eq(items.name, "taken")),
        db.insert(items).values({ name: "taken", qty: 2 }),
      ]),
    );
    expect(err.code).toBe("23505");
    expect(await db.select({ name: items.name, qty: items.qty }).from(items)).toEqual([
      { name: "taken", qty: 1 },
    ]);
  });

  it("commits a drizzle db.batch", async () => {
    const [inserted, listed] = await db.batch([
      db.insert(items).values({ name: "one", qty: 1 }).returning({ name: items.name }),
      db.select({ name: items.name }).from(items),
    ]);
    expect(inserted).toEqual([{ name: "one" }]);
    expect(listed).toEqual([{ name: "one" }]);
  });

  it("honours the isolation level, read-only and deferrable options", async () => {
    const settings = sql`SELECT current_setting('transaction_isolation') AS iso,
      current_setting('transaction_read_only') AS ro, current_setting('transaction_deferrable') AS def`;
    const [byDefault] = await sql.transaction([settings]);
    expect(byDefault).toEqual([{ iso: "read committed", ro: "off", def: "off" }]);
    const [strict] = await sql.transaction([settings], {
      isolationLevel: "Serializable",
      readOnly: true,
      deferrable: true,
    });
    expect(strict).toEqual([{ iso: "serializable", ro: "on", def: "on" }]);
    const [repeatable] = await sql.transaction([settings], { isolationLevel: "RepeatableRead" });
    expect(repeatable).toEqual([{ iso: "repeatable read", ro: "off", def: "off" }]);
  });

  it("refuses writes in a read-only batch", async () => {
    const err = await neonError(
      sql.transaction([sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('ro', 1)`], {
        readOnly: true,
      }),
    );
    expect(err.code).toBe("25006");
    expect(await sql`SELECT name FROM ${sql.unsafe(ITEMS)}`).toEqual([]);
  });
});

describe("parameter and result types", () => {
  const BEYOND_2_53 = "9223372036854775807";

  it("round-trips every type through the driver's own parsers", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const doc = { a: [1, "x", null], nested: { ok: true }, n: 1.5 };
    const bytes = Buffer.from([0, 1, 127, 128, 255]);
    const [row] = await sql`SELECT
      ${BEYOND_2_53}::bigint AS big, ${"12345678901234567890.123456789"}::numeric AS amount,
      ${JSON.stringify(doc)}::jsonb AS doc, ${at}::timestamptz AS at,
      ${["a", "b,c", 'quo"te', null]}::text[] AS tags, ${[1, -2, 3]}::int[] AS nums,
      ${bytes}::bytea AS bin, ${true}::boolean AS yes, ${false}::boolean AS no, ${null}::text AS nothing,
      ${"naïve ✓ 😀"}::text AS unicode`;
    // drizzle() (module scope above) makes the driver hand out timestamps as PostgreSQL's text, globally,
    // because drizzle parses them itself; so it arrives here as text in the session's time zone.
    const { at: atText, ...rest } = row ?? {};
    expect(new Date(String(atText))).toEqual(at);
    expect(rest).toEqual({
      big: BEYOND_2_53,
      amount: "12345678901234567890.123456789",
      doc,
      tags: ["a", "b,c", 'quo"te', null],
      nums: [1, -2, 3],
      bin: bytes,
      yes: true,
      no: false,
      nothing: null,
      unicode: "naïve ✓ 😀",
    });
  });

  it("round-trips drizzle column types, bigint beyond 2^53 included", async () => {
    const values = {
      big: 2n ** 62n + 1n,
      amount: "-0.000000000000000001",
      doc: { k: "v", list: [1, 2] },
      at: new Date("2026-03-04T05:06:07.089Z"),
      tags: ["x", "y z"],
      nums: [7, 8],
      flag: true,
    };
    const [inserted] = await db.insert(typed).values(values).returning();
    expect(inserted).toMatchObject(values);
    const [empty] = await db.insert(typed).values({}).returning();
    expect(empty).toMatchObject({ big: null, amount: null, doc: null, at: null, tags: null, flag: null });
  });
});

describe("errors arrive as PostgreSQL error fields", () => {
  it("unique violation: 23505 with its constraint and detail", async () => {
    await sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('dup', 1)`;
    const err = await neonError(sql`INSERT INTO ${sql.unsafe(ITEMS)} (name, qty) VALUES ('dup', 2)`);
    expect(err).toBeInstanceOf(NeonDbError);
    expect(err).toMatchObject({
      code: "23505",
      constraint: `${ITEMS}_name_key`,
      table: ITEMS,
      schema: "public",
      severity: "ERROR",
      detail: "Key (name)=(dup) already exists.",
    });
    expect(err.message).toContain("duplicate key value violates unique constraint");
  });

  it("check violation: 23514 with its constraint", async () => {
    const err = await neonError(db.insert(items).values({ name: "neg", qty: -1 }));
    expect(err).toMatchObject({ code: "23514", constraint: `${ITEMS}_qty_check`, table: ITEMS });
  });

  it("a PL/pgSQL raise keeps its custom SQLSTATE, detail, hint and context", async () => {
    const err = await neonError(sql`SELECT ${sql.unsafe(RAISE)}(${"9007199254740993"})`);
    expect(err).toMatchObject({
      code: "MP001",
      message: "insufficient funds",
      detail: "requested 9007199254740993, available 0",
      hint: "top up first",
    });
    expect(err.where).toContain(`PL/pgSQL function ${RAISE}(bigint)`);
  });

  it("a NUL in text is 22021", async () => {
    const err = await neonError(sql`SELECT ${"a\u0000b"}::text AS t`);
    expect(err.code).toBe("22021");
  });

  it("a syntax error carries its position", async () => {
    const err = await neonError(sql.query("SELEC 1"));
    expect(err).toMatchObject({ code: "42601", position: "1" });
  });
});

describe("round trips", () => {
  beforeEach(() => {
    roundTrips.reset();
    roundTrips.setLatency({ dbRttMs: 0 });
  });

  it("counts one per HTTP request, a batch included, under the request's trace", async () => {
    const q = traced("req_counted");
    await q`SELECT 1`;
    await q.transaction([q`SELECT 1`, q`SELECT 2`, q`SELECT 3`]);
    await neonError(q`SELECT 1/0`);
    await drizzle({ client: q }).batch([db.select().from(items), db.select().from(items)]);
    await sql`SELECT 1`;

    expect(await fetchRoundTrips(stats.url, "req_counted")).toEqual({
      trace: "req_counted",
      db_http: 4,
      db_ws: 0,
      redis: 0,
    });
    expect(await fetchRoundTrips(stats.url, "none")).toMatchObject({ db_http: 1 });
    expect(await fetchRoundTrips(stats.url, "req_unknown")).toMatchObject({ db_http: 0 });
    const totals = await fetch(`${stats.url}/roundtrips/totals`).then((r) => r.json());
    expect(totals).toEqual({ db_http: 5, db_ws: 0, redis: 0, traces: 2 });
    await fetch(`${stats.url}/roundtrips/reset`, { method: "POST" });
    expect(await fetchRoundTrips(stats.url, "req_counted")).toMatchObject({ db_http: 0 });
  });

  it("adds the injected delay to each round trip", async () => {
    roundTrips.setLatency({ dbRttMs: 120 });
    const started = performance.now();
    await sql`SELECT 1`;
    await sql.transaction([sql`SELECT 1`, sql`SELECT 2`]);
    // A lower bound only: the delay is a sleep, so it can never take less.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 120);
  });
});

describe("protocol edges", () => {
  it("refuses a non-loopback database and a missing connection string", async () => {
    const far = neon("postgres://postgres@10.1.2.3:5432/test");
    await expect(far`SELECT 1`).rejects.toThrow(/HTTP status 403.*only loopback/);
    const res = await fetch(endpoint.url, {
      method: "POST",
      body: JSON.stringify({ query: "SELECT 1", params: [] }),
      headers: { "Neon-Raw-Text-Output": "true" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "missing Neon-Connection-String header" });
  });

  it("keeps one pool per database", async () => {
    await Promise.all([sql`SELECT 1`, sql`SELECT 2`, sql`SELECT 3`]);
    expect(endpoint.poolCount()).toBe(1);
  });
});
