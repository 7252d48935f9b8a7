import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nodeServices } from "../../test/node-services";
import type { AppEnv } from "./context";
import { apiErrorFor, databaseErrorFacts, errorLogFields } from "./db-errors";
import { onError } from "./http";
import { requestId } from "./services";

/** A query that really fails in PostgreSQL, through the Worker's own driver, with a secret bound. */
async function failingQuery(secret: string, statement: "cast" | "nul" | "divide"): Promise<unknown> {
  const services = nodeServices();
  try {
    if (statement === "cast") await services.db.execute(sql`select ${secret}::int`);
    else if (statement === "nul") await services.db.execute(sql`select ${`${secret}\u0000`}::text`);
    else {
      await services.db.execute(
        sql`select * from (values (${secret}), (${secret})) v(x) group by x having count(*) > 0 and 1/0 = 1`,
      );
    }
  } catch (error) {
    return error;
  } finally {
    await services.close().catch(() => undefined);
  }
  throw new Error("the query did not fail");
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Finding 7: a failed query's log line carries its SQLSTATE, constraint and table, never its values. */
describe("database errors in the log", () => {
  it("the log line of a failed query holds neither its parameters nor its text", async () => {
    const secret = "pbkdf2_sha256$600000$c2VjcmV0LXNhbHQ$leaked-hash-value";
    const error = await failingQuery(secret, "cast");
    // The driver's error does carry the value: that is what must not reach the log.
    expect(String((error as Error).message) + String((error as Error).stack)).toContain(secret);

    const logged: string[] = [];
    // core/log.ts writes warnings (a mapped error) and errors to their own console methods.
    for (const method of ["error", "warn"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    const app = new Hono<AppEnv>();
    app.use("*", requestId);
    app.get("/fail", () => {
      throw error;
    });
    app.onError(onError);
    const response = await app.request("/fail");
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(body).error.code).toBe("parameter_invalid");
    expect(body).not.toContain(secret);
    expect(logged).toHaveLength(1);
    const line = JSON.parse(logged[0] ?? "{}");
    expect(line).toMatchObject({ error: "database_error", code: "22P02", request_id: expect.any(String) });
    expect(line.request_id).toBe(response.headers.get("x-request-id"));
    expect(logged[0]).not.toContain(secret);
    expect(logged[0]).not.toContain("leaked-hash");
    expect(logged[0]).not.toContain("select");
  });

  it("keeps the constraint and table of a violation, and nothing else", () => {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email"'),
      {
        code: "23505",
        constraint: "users_email_unique",
        table: "users",
        detail: "Key (email)=(owner@example.com) already exists.",
      },
    );
    const wrapped = Object.assign(
      new Error("Failed query: insert into users ...\nparams: owner@example.com"),
      {
        name: "DrizzleQueryError",
        query: "insert into users ...",
        params: ["owner@example.com"],
        cause: driverError,
      },
    );
    const fields = errorLogFields(wrapped);
    const line = JSON.stringify(fields);
    expect(fields).toEqual({
      error: "database_error",
      code: "23505",
      constraint: "users_email_unique",
      table: "users",
    });
    expect(line).not.toContain("owner@example.com");
    expect(apiErrorFor(wrapped)?.code).toBe("resource_conflict");
  });
});

/** Finding 8, second half: data errors on user input are 4xx, unreachable dependencies 503, never 500. */
describe("database errors as API errors", () => {
  it("maps NUL (22021), bad casts (22P02) and division by zero (22012) to 400", async () => {
    for (const statement of ["cast", "nul", "divide"] as const) {
      const error = await failingQuery("value", statement);
      const facts = databaseErrorFacts(error);
      expect(facts?.code).toMatch(/^22/);
      expect(apiErrorFor(error)?.status).toBe(400);
    }
  });

  it("maps 22P05, class 54 and 23502 to 400, and connection failures to 503 service_unavailable", () => {
    const withCode = (code: string) => Object.assign(new Error("x"), { name: "NeonDbError", code });
    expect(apiErrorFor(withCode("22P05"))?.code).toBe("parameter_invalid");
    expect(apiErrorFor(withCode("54000"))?.code).toBe("parameter_invalid");
    expect(apiErrorFor(withCode("23502"))?.code).toBe("parameter_missing");
    expect(apiErrorFor(withCode("23503"))?.status).toBe(409);
    expect(apiErrorFor(withCode("08006"))?.code).toBe("service_unavailable");
    expect(apiErrorFor(withCode("57P01"))?.code).toBe("service_unavailable");
    expect(apiErrorFor(new TypeError("fetch failed"))?.code).toBe("service_unavailable");
    expect(apiErrorFor(new Error("a bug"))).toBeUndefined();
    expect(apiErrorFor(withCode("42P01"))).toBeUndefined();
  });

  it("a 503 from an unreachable database reaches the caller with Retry-After", async () => {
    const services = nodeServices({ DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/none" });
    let error: unknown;
    try {
      await services.db.execute(sql`select 1`);
    } catch (caught) {
      error = caught;
    } finally {
      await services.close().catch(() => undefined);
    }
    const mapped = apiErrorFor(error);
    expect(mapped?.code).toBe("service_unavailable");
    expect(mapped?.headers["Retry-After"]).toBe("1");
  });
});
