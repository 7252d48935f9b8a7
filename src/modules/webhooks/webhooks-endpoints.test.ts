import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { createEndpoint, type Endpoint } from "./webhooks-testing";

describe("webhook endpoints: registration", () => {
  it("creates an endpoint with a secret shown once; retrieve, list, update and delete it", async () => {
    const m = await createMerchant();
    const created = await createEndpoint(m.sandbox, {
      url: "https://example.com/webhooks",
      enabled_events: ["customer.*", "payment.succeeded"],
      description: "orders",
      metadata: { team: "checkout" },
    });
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      environment: "sandbox",
      url: "https://example.com/webhooks",
      enabled: true,
      disabled_reason: null,
      enabled_events: ["customer.*", "payment.succeeded"],
      metadata: { team: "checkout" },
    });
    expect(created.id).toMatch(/^we_[0-9A-Za-z]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(String(created.secret).slice(6), "base64")).toHaveLength(32);

    const fetched = await m.sandbox.request<Endpoint>("GET", `/webhooks/endpoints/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty("secret");
    const { secret: _secret, ...withoutSecret } = created;
    expect(fetched.body).toEqual(withoutSecret);
    const list = await m.sandbox.request<{ data: Endpoint[] }>("GET", "/webhooks/endpoints");
    expect(list.body.data.map((endpoint) => endpoint.id)).toEqual([created.id]);
    expect(list.text).not.toContain("whsec_");

    const updated = await m.sandbox.request<Endpoint>("PATCH", `/webhooks/endpoints/${created.id}`, {
      enabled_events: ["*"],
      description: null,
      enabled: false,
    });
    expect(updated.body).toMatchObject({ enabled_events: ["*"], description: null, enabled: false });
    expect(updated.body.disabled_reason).toBe("manual");
    const enabled = await m.sandbox.request<Endpoint>("PATCH", `/webhooks/endpoints/${created.id}`, {
      enabled: true,
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });

    const deleted = await m.sandbox.request("DELETE", `/webhooks/endpoints/${created.id}`);
    expect(deleted.body).toEqual({ id: created.id, object: "webhook_endpoint", deleted: true });
    expectError(await m.sandbox.request("GET", `/webhooks/endpoints/${created.id}`), 404, "resource_missing");

    const events = await query<{ type: string; data: string }>(
      "select type, data::text as data from events where object_id = $1 order by created_at, type",
      [created.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.updated",
      "webhook_endpoint.updated",
      "webhook_endpoint.deleted",
    ]);
    expect(events.every((event) => !event.data.includes("whsec_"))).toBe(true);
  });

  it("refuses bad URLs and unknown event types with a code", async () => {
    const m = await createMerchant();
    const post = (body: Record<string, unknown>) => m.sandbox.request("POST", "/webhooks/endpoints", body);
    const events = { enabled_events: ["*"] };
    for (const url of ["not a url", "ftp://example.com/x", "https://user:pass@example.com/x", "/relative"]) {
      expectError(await post({ url, ...events }), 400, "webhook_url_invalid");
    }
    const unknown = await post({ url: "https://example.com/x", enabled_events: ["nope.created"] });
    expectError(unknown, 400, "parameter_invalid");
    expect((unknown.body as { error: { param: string } }).error.param).toContain("enabled_events");
    expectError(await post({ url: "https://example.com/x", enabled_events: [] }), 400, "parameter_invalid");
    expectError(
      await post({ url: "https://example.com/x", enabled_events: ["customer.*", "customer.*"] }),
      400,
      "parameter_invalid",
    );
    expectError(await post({ enabled_events: ["*"] }), 400, "parameter_missing");
    expectError(
      await post({ url: "https://example.com/x", ...events, secret: "x" }),
      400,
      "parameter_unknown",
    );
  });

  it("refuses private, loopback, link-local, CGNAT and metadata hosts in production (SSRF)", async () => {
    const m = await createMerchant();
    const post = (url: string) =>
      m.production.request("POST", "/webhooks/endpoints", { url, enabled_events: ["payment.succeeded"] });
    expectError(await post("http://example.com/hooks"), 400, "webhook_url_insecure");
    const forbidden = [
      "https://127.0.0.1/hooks",
      "https://localhost/hooks",
      "https://api.localhost/hooks",
      "https://2130706433/hooks",
      "https://0x7f.1/hooks",
      "https://[::1]/hooks",
      "https://[::ffff:127.0.0.1]/hooks",
      "https://10.1.2.3/hooks",
      "https://172.20.0.1/hooks",
      "https://192.168.1.1/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://metadata.google.internal/computeMetadata/v1",
      "https://100.64.0.1/hooks",
      "https://0.0.0.0/hooks",
      "https://[fe80::1]/hooks",
      "https://[fd00::1]/hooks",
      "https://printer.local/hooks",
      "https://intranet/hooks",
    ];
    for (const url of forbidden) {
      const refused = await post(url);
      expectError(refused, 400, "webhook_url_forbidden");
      expect((refused.body as { error: { param: string } }).error.param).toBe("url");
    }
    const ok = await post("https://example.com/hooks");
    expect(ok.status).toBe(200);
    const endpointId = (ok.body as { id: string }).id;
    expectError(
      await m.production.request("PATCH", `/webhooks/endpoints/${endpointId}`, { url: "https://10.0.0.1/x" }),
      400,
      "webhook_url_forbidden",
    );
    expectError(
      await m.production.request("PATCH", `/webhooks/endpoints/${endpointId}`, {
        url: "http://example.com/x",
      }),
      400,
      "webhook_url_insecure",
    );
  });

  it("sandbox allows http, and loopback only with the local-development switch; private hosts never", async () => {
    const m = await createMerchant();
    const post = (url: string) =>
      m.sandbox.request("POST", "/webhooks/endpoints", { url, enabled_events: ["payment.succeeded"] });
    expect((await post("http://example.com/hooks")).status).toBe(200);
    // The test stack sets WEBHOOKS_ALLOW_LOCALHOST=true, as npm start does.
    expect((await post("http://127.0.0.1:9/hooks")).status).toBe(200);
    expectError(await post("http://10.0.0.1/hooks"), 400, "webhook_url_forbidden");
    expectError(await post("http://169.254.169.254/latest"), 400, "webhook_url_forbidden");
  });

  it("limits the endpoints per environment", async () => {
    const m = await createMerchant();
    for (let i = 0; i < 16; i++) {
      await createEndpoint(m.sandbox, {
        url: `https://example.com/${i}`,
        enabled_events: ["payment.succeeded"],
      });
    }
    expectError(
      await m.sandbox.request("POST", "/webhooks/endpoints", {
        url: "https://example.com/17",
        enabled_events: ["payment.succeeded"],
      }),
      400,
      "resource_limit_exceeded",
    );
    expect(
      (
        await m.production.request("POST", "/webhooks/endpoints", {
          url: "https://example.com/17",
          enabled_events: ["payment.succeeded"],
        })
      ).status,
    ).toBe(200);
  });
});
