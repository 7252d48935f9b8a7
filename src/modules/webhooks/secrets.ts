import { and, eq, isNotNull, isNull, not, or, type SQL, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { isSealed, seal, unseal } from "../../core/sealed";
import { type WebhookEndpointRow, webhookEndpoints } from "./tables";

/**
 * Webhook signing secrets at rest: sealed with the AES-256-GCM envelope of src/core/sealed.ts under
 * WEBHOOK_SECRETS_KEY, bound to the endpoint's id. They are opened only to sign an attempt.
 *
 * Rows written before encryption hold the clear `whsec_…` value. They still sign (a clear value is
 * recognised by its format), and the webhook sweep seals them in batches, so no key is ever needed
 * in SQL; see docs/webhooks.md.
 */
function additionalData(endpointId: string): string {
  return `webhook_endpoint:${endpointId}:secret`;
}

export function sealEndpointSecret(services: Services, endpointId: string, secret: string): Promise<string> {
  return seal(services.config.WEBHOOK_SECRETS_KEY, additionalData(endpointId), secret);
}

/** The stored value, sealed: a sealed value is kept as it is, a legacy clear one is sealed now. */
export async function resealEndpointSecret(
  services: Services,
  endpointId: string,
  stored: string,
): Promise<string> {
  return isSealed(stored) ? stored : sealEndpointSecret(services, endpointId, stored);
}

async function openEndpointSecret(services: Services, endpointId: string, stored: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  return unseal(services.config.WEBHOOK_SECRETS_KEY, additionalData(endpointId), stored);
}

/** The secrets that sign an attempt now: the current one, and the previous one during its overlap. */
export async function signingSecrets(
  services: Services,
  endpoint: WebhookEndpointRow,
  now: Date,
): Promise<string[]> {
  const secrets = [await openEndpointSecret(services, endpoint.id, endpoint.secret)];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(await openEndpointSecret(services, endpoint.id, endpoint.previousSecret));
  }
  return secrets;
}

const SEALED_PATTERN = "^v1\\.";

function notSealed(column: typeof webhookEndpoints.secret | typeof webhookEndpoints.previousSecret): SQL {
  return not(sql`${column} ~ ${SEALED_PATTERN}`);
}

/**
 * Seals up to `limit` endpoints whose secret or previous secret is still stored in clear. Each row
 * is updated only if it still holds the values read, so a rotation in between wins. Returns how
 * many rows were sealed.
 */
export async function sealLegacySecrets(services: Services, limit: number): Promise<number> {
  const { db } = services;
  const rows = await db
    .select({
      id: webhookEndpoints.id,
      secret: webhookEndpoints.secret,
      previousSecret: webhookEndpoints.previousSecret,
    })
    .from(webhookEndpoints)
    .where(
      or(
        notSealed(webhookEndpoints.secret),
        and(isNotNull(webhookEndpoints.previousSecret), notSealed(webhookEndpoints.previousSecret)),
      ),
    )
    .limit(limit);
  let sealed = 0;
  for (const row of rows) {
    const secret = await resealEndpointSecret(services, row.id, row.secret);
    const previousSecret =
      row.previousSecret === null ? null : await resealEndpointSecret(services, row.id, row.previousSecret);
    const updated = await db
      .update(webhookEndpoints)
      .set({ secret, previousSecret })
      .where(
        and(
          eq(webhookEndpoints.id, row.id),
          eq(webhookEndpoints.secret, row.secret),
          row.previousSecret === null
            ? isNull(webhookEndpoints.previousSecret)
            : eq(webhookEndpoints.previousSecret, row.previousSecret),
        ),
      )
      .returning({ id: webhookEndpoints.id });
    sealed += updated.length;
  }
  return sealed;
}
