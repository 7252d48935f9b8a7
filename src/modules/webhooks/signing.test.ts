import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signatureHeader, signWebhook } from "./signing";

describe("Standard Webhooks signing", () => {
  it("issues whsec_ secrets of 32 random bytes", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("signs exactly as the standardwebhooks package does, for any id, time and body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
        fc.string({ maxLength: 500 }),
        async (id, timestamp, body) => {
          const secret = newWebhookSecret();
          const ours = await signWebhook(secret, { id, timestamp, body });
          expect(ours).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("during a rotation the header carries one signature per secret, and either secret verifies", async () => {
    const [current, previous, stranger] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ id: "evt_1", type: "customer.created" });
    const timestamp = Math.floor(Date.now() / 1000);
    const header = await signatureHeader([current, previous], { id: "whd_1", timestamp, body });
    expect(header.split(" ")).toHaveLength(2);
    const headers = {
      "webhook-id": "whd_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": header,
    };
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});
