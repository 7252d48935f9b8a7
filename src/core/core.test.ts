import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { nodeServices } from "../../test/node-services";
import { checkHealth } from "../modules/health/service";
import { ConfigError, loadConfig } from "./config";
import type { AppEnv } from "./context";
import { onError } from "./http";
import { clipText, hasUnsafeCharacters } from "./input-safety";
import { requestId } from "./services";

describe("config", () => {
  it("names every missing or invalid variable", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://x@y/z" })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: "not a url", UPSTASH_REDIS_REST_URL: "http://r" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).variables;
      expect(variables).toEqual(
        expect.arrayContaining(["DATABASE_URL", "UPSTASH_REDIS_REST_TOKEN", "QSTASH_TOKEN", "PUBLIC_URL"]),
      );
      expect(variables).not.toContain("UPSTASH_REDIS_REST_URL");
    }
  });

  it("refuses stretched rate-limit windows in production", () => {
    const env = {
      DATABASE_URL: "postgres://x@y/z",
      UPSTASH_REDIS_REST_URL: "http://r",
      UPSTASH_REDIS_REST_TOKEN: "t",
      QSTASH_TOKEN: "t",
      QSTASH_CURRENT_SIGNING_KEY: "k",
      QSTASH_NEXT_SIGNING_KEY: "k",
      PUBLIC_URL: "http://w",
      CARD_FINGERPRINT_KEY: "k".repeat(32),
      PROVIDER_CREDENTIALS_KEY: `${"A".repeat(43)}=`,
      WEBHOOK_SECRETS_KEY: `${"B".repeat(43)}=`,
      BANK_ACCOUNT_NUMBERS_KEY: `${"C".repeat(43)}=`,
      BANK_ACCOUNT_FINGERPRINT_KEY: "f".repeat(32),
      ISSUING_CARD_DATA_KEY: `${"C".repeat(43)}=`,
      DOCUMENT_URL_KEY: "d".repeat(32),
      RATE_LIMIT_WINDOW_SCALE: "3600",
    };
    expect(loadConfig({ ...env, APP_ENV: "development" }).RATE_LIMIT_WINDOW_SCALE).toBe(3600);
    expect(() => loadConfig({ ...env, APP_ENV: "production" })).toThrow(
      new ConfigError(["RATE_LIMIT_WINDOW_SCALE"]),
    );
  });
});

describe("errors", () => {
  it("turns an unexpected exception into api_error 500 with the request id and no internals", async () => {
    const app = new Hono<AppEnv>();
    app.use("*", requestId);
    app.get("/boom", () => {
      throw new Error("connection string postgres://secret@db leaked");
    });
    app.onError(onError);
    const response = await app.request("/boom");
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text).error).toMatchObject({ type: "api_error", code: "internal_error" });
    expect(JSON.parse(text).error.request_id).toBe(response.headers.get("x-request-id"));
    expect(text).not.toContain("secret");
  });
});

describe("health", () => {
  it("reports ok when both dependencies answer", async () => {
    const services = nodeServices();
    const health = await checkHealth(services);
    await services.close();
    expect(health.status).toBe("ok");
  });

  it("reports the database or Redis as down, without leaking URLs", async () => {
    const services = nodeServices({
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
      DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/none",
    });
    const health = await checkHealth(services);
    await services.close().catch(() => undefined);
    expect(health.status).toBe("degraded");
    expect(health.dependencies.redis.status).toBe("down");
    expect(health.dependencies.database.status).toBe("down");
    expect(JSON.stringify(health)).not.toContain("hunter2");
  });
});

describe("clipText", () => {
  it("cuts to the limit, never between the two halves of a character", () => {
    expect(clipText("abcdef", 4)).toBe("abcd");
    expect(clipText("abc😀", 4)).toBe("abc");
    expect(clipText("ab😀", 4)).toBe("ab😀");
    expect(clipText("short", 100)).toBe("short");
    expect(hasUnsafeCharacters(clipText("x😀".repeat(10), 7))).toBe(false);
  });
});
