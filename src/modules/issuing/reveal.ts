import { eq, sql } from "drizzle-orm";
import { sha256Hex } from "../../core/auth/crypto";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { execute } from "../../core/db";
import { ApiError } from "../../core/errors";
import { newId, randomBase62 } from "../../core/ids";
import { readCard } from "./cards";
import { issuingSandboxVault, sealPin, unsealCard } from "./providers/vault";
import { issuingCards, issuingRevealTokens, type RevealPurpose } from "./tables";

/** A reveal or PIN token lives this long, and works once. */
export const REVEAL_TOKEN_TTL_MS = 60_000;

const invalidToken = () => new ApiError("reveal_token_invalid", { param: "token" });

/**
 * Mints a one-time token for the cardholder's device. Only its SHA-256 is stored; the token
 * itself is in this response alone (and in the idempotency record of this request, which a
 * replay within its 60 s answers with the same token).
 */
export async function createRevealToken({
  ctx,
  id,
  purpose,
}: {
  ctx: ServiceContext;
  id: string;
  purpose: RevealPurpose;
}) {
  const { row } = await readCard(ctx, id);
  if (row.status === "canceled") {
    throw new ApiError("issuing_card_status_invalid", {
      message: "A canceled card's details cannot be revealed.",
    });
  }
  const now = ctx.services.clock.now();
  const token = `${purpose === "reveal" ? "rvl" : "pin"}_${randomBase62(40)}`;
  const expiresAt = new Date(now.getTime() + REVEAL_TOKEN_TTL_MS);
  const response = {
    object: "issuing_reveal_token" as const,
    card: row.id,
    purpose,
    token,
    expires_at: expiresAt.toISOString(),
  };
  await runBatch(
    ctx.services,
    [
      ctx.services.db.insert(issuingRevealTokens).values({
        id: newId("issuingRevealToken"),
        tokenHash: await sha256Hex(token),
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        cardId: row.id,
        purpose,
        expiresAt,
        usedAt: null,
        createdAt: now,
      }),
    ],
    { response },
  );
  return response;
}

/**
 * Consumes the token in ONE statement: of two concurrent redemptions exactly one matches the
 * `used_at is null` row; an expired, used, unknown or other-purpose token matches nothing. The
 * card must not be canceled. Answers the card and its vault row.
 */
async function consumeToken(services: Services, token: string, purpose: RevealPurpose) {
  const now = services.clock.now();
  const result = await execute<{ card_id: string; sealed_card: string; exp_month: number; exp_year: number }>(
    sql`with consumed as (
        update ${issuingRevealTokens} set used_at = ${now}
         where token_hash = ${await sha256Hex(token)} and purpose = ${purpose}
           and used_at is null and expires_at > ${now}
        returning card_id, merchant_id, environment)
      select c.id as card_id, v.sealed_card, c.exp_month, c.exp_year
        from consumed t
        join ${issuingCards} c on c.id = t.card_id and c.merchant_id = t.merchant_id
          and c.environment = t.environment and c.status <> 'canceled'
        join ${issuingSandboxVault} v on v.card_id = c.id`,
    services.db,
  );
  const [row] = result.rows;
  if (!row) throw invalidToken();
  return row;
}

/** The cardholder's device redeems a reveal token: the only answer that carries a PAN and CVC. */
export async function revealCard({ services, token }: { services: Services; token: string }) {
  const row = await consumeToken(services, token, "reveal");
  const secrets = await unsealCard(services, row.card_id, row.sealed_card);
  return {
    object: "issuing_card_details" as const,
    card: row.card_id,
    number: secrets.number,
    cvc: secrets.cvc,
    exp_month: Number(row.exp_month),
    exp_year: Number(row.exp_year),
  };
}

/**
 * The cardholder's device sets the PIN with a set_pin token; it goes sealed to the provider's
 * vault, and the card says `pin_set` (no event: the PIN is the cardholder's business).
 */
export async function setCardPin({
  services,
  token,
  pin,
}: {
  services: Services;
  token: string;
  pin: string;
}) {
  const row = await consumeToken(services, token, "set_pin");
  const sealed = await sealPin(services, row.card_id, pin);
  const now = services.clock.now();
  await services.db.batch([
    services.db
      .update(issuingSandboxVault)
      .set({ sealedPin: sealed, updatedAt: now })
      .where(eq(issuingSandboxVault.cardId, row.card_id)),
    services.db
      .update(issuingCards)
      .set({ pinSet: true, updatedAt: now })
      .where(eq(issuingCards.id, row.card_id)),
  ]);
  return { object: "issuing_card_pin" as const, card: row.card_id, pin_set: true as const };
}
