import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { query } from "../../test/db";
import { type ApiResponse, type Client, createMerchant } from "../../test/harness";
import { redactSecrets } from "./idempotency";

type WithSecret = { id: string; secret: string | null; secret_redacted?: boolean };

async function storedBody(merchantId: string, key: string): Promise<string> {
  const [row] = await query<{ response_body: string }>(
    "select response_body from idempotency_keys where merchant_id = $1 and key = $2",
    [merchantId, key],
  );
  return row?.response_body ?? "";
}

/** The same request twice under one key: the first shows the secret, the replay a marker. */
async function twice(
  client: Client,
  path: string,
  body: unknown,
): Promise<{ key: string; first: ApiResponse<WithSecret>; again: ApiResponse<WithSecret> }> {
  const key = `secret-${crypto.randomUUID()}`;
  const first = await client.request<WithSecret>("POST", path, body, { "idempotency-key": key });
  const again = await client.request<WithSecret>("POST", path, body, { "idempotency-key": key });
  return { key, first, again };
}

function expectRedactedReplay(first: ApiResponse<WithSecret>, again: ApiResponse<WithSecret>): string {
  expect(first.status).toBe(200);
  const secret = first.body.secret ?? "";
  expect(secret.length).toBeGreaterThan(20);
  expect(first.body.secret_redacted).toBeUndefined();
  expect(again.status).toBe(200);
  expect(again.headers.get("idempotent-replayed")).toBe("true");
  expect(again.body).toMatchObject({ id: first.body.id, secret: null, secret_redacted: true });
  expect(again.text).not.toContain(secret);
  return secret;
}

describe("idempotency records never keep a secret shown once", () => {
  it("POST /api-keys: a replay shows secret null with secret_redacted, and the record holds no secret", async () => {
    const m = await createMerchant();
    const { key, first, again } = await twice(m.dashboard, "/api-keys", {
      environment: "sandbox",
      name: "replayed",
    });
    const secret = expectRedactedReplay(first, again);
    expect(await storedBody(m.merchantId, key)).not.toContain(secret);
  });

  it("POST /api-keys/{id}/roll: the replacement key's secret is not replayed either", async () => {
    const m = await createMerchant();
    const { key, first, again } = await twice(m.dashboard, `/api-keys/${m.sandboxKey.id}/roll`, {
      expires_in_seconds: 3600,
    });
    const secret = expectRedactedReplay(first, again);
    expect(await storedBody(m.merchantId, key)).not.toContain(secret);
  });

  it("webhook endpoint creation and rotate-secret: replays show no signing secret", async () => {
    const m = await createMerchant();
    const created = await twice(m.sandbox, "/webhooks/endpoints", {
      url: "https://example.com/hooks",
      enabled_events: ["*"],
    });
    const secret = expectRedactedReplay(created.first, created.again);
    expect(await storedBody(m.merchantId, created.key)).not.toContain(secret);

    const rotated = await twice(m.sandbox, `/webhooks/endpoints/${created.first.body.id}/rotate-secret`, {});
    const rotatedSecret = expectRedactedReplay(rotated.first, rotated.again);
    expect(rotatedSecret).not.toBe(secret);
    expect(await storedBody(m.merchantId, rotated.key)).not.toContain(rotatedSecret);
  });

  it("responses without a secret are stored and replayed byte for byte", () => {
    const body = '{"id":"cus_1","object":"customer","secret_last4":"abcd","previous_secret_expires_at":null}';
    expect(redactSecrets(body)).toBe(body);
    expect(redactSecrets("not json")).toBe("not json");
  });

  it("the rule covers every secret-bearing field, at any depth", () => {
    const body = JSON.stringify({
      secret: "s",
      data: [{ client_secret: "c", token: "t", password: "p", secret_key: "k", secret_last4: "1234" }],
      secret_redacted_count: 1,
      previous_secret: null,
    });
    expect(JSON.parse(redactSecrets(body))).toEqual({
      secret: null,
      secret_redacted: true,
      data: [
        {
          client_secret: null,
          client_secret_redacted: true,
          token: null,
          token_redacted: true,
          password: null,
          password_redacted: true,
          secret_key: null,
          secret_key_redacted: true,
          secret_last4: "1234",
        },
      ],
      secret_redacted_count: 1,
      previous_secret: null,
    });
  });

  it("migration 0012 sweeps records stored before the rule, in SQL", async () => {
    const m = await createMerchant();
    const key = `legacy-${crypto.randomUUID()}`;
    const legacy = { id: "key_legacy", object: "api_key", secret: "mps_test_LeakedLeakedLeaked" };
    await query(
      `insert into idempotency_keys (merchant_id, environment, key, request_hash, status, status_code, response_body, created_at, expires_at)
       values ($1, 'sandbox', $2, 'x', 'completed', 200, $3, now(), now() + interval '1 day')`,
      [m.merchantId, key, JSON.stringify(legacy)],
    );
    const migration = await readFile(
      new URL("../../migrations/0012_redact_idempotency_secrets.sql", import.meta.url),
      "utf8",
    );
    // One session, as the migrator runs it (the helpers live in pg_temp).
    await query(migration.replaceAll("--> statement-breakpoint", ""));
    const swept = JSON.parse(await storedBody(m.merchantId, key)) as Record<string, unknown>;
    expect(swept).toEqual({ id: "key_legacy", object: "api_key", secret: null, secret_redacted: true });
  });
});
