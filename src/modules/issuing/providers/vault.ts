import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Services } from "../../../core/context";
import { seal, unseal } from "../../../core/sealed";
import type { IssuedCard } from "./catalog";

/**
 * The sandbox issuers' own storage of card secrets. In production these live at the issuer; here
 * they are sealed (AES-256-GCM, bound to the card id and purpose) under ISSUING_CARD_DATA_KEY. No
 * other table, event, log line or response holds a card number, CVC or PIN; the reveal endpoint is
 * the one place they leave, to the cardholder's device.
 */
export const issuingSandboxVault = pgTable("issuing_sandbox_vault", {
  cardId: text("card_id").primaryKey(),
  provider: text("provider").notNull(),
  /** Sealed JSON { number, cvc }. */
  sealedCard: text("sealed_card").notNull(),
  /** Sealed PIN, once the cardholder set one. */
  sealedPin: text("sealed_pin"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
});

const cardPurpose = (cardId: string) => `issuing-card:${cardId}`;
const pinPurpose = (cardId: string) => `issuing-pin:${cardId}`;

export async function sealCard(services: Services, cardId: string, card: IssuedCard): Promise<string> {
  return seal(
    services.config.ISSUING_CARD_DATA_KEY,
    cardPurpose(cardId),
    JSON.stringify({ number: card.number, cvc: card.cvc }),
  );
}

export async function unsealCard(
  services: Services,
  cardId: string,
  sealed: string,
): Promise<{ number: string; cvc: string }> {
  return JSON.parse(await unseal(services.config.ISSUING_CARD_DATA_KEY, cardPurpose(cardId), sealed)) as {
    number: string;
    cvc: string;
  };
}

export function sealPin(services: Services, cardId: string, pin: string): Promise<string> {
  return seal(services.config.ISSUING_CARD_DATA_KEY, pinPurpose(cardId), pin);
}

/** The vault row of a new card, for the card's creation batch. */
export function vaultInsert(
  services: Services,
  cardId: string,
  provider: string,
  sealedCard: string,
  at: Date,
) {
  return services.db
    .insert(issuingSandboxVault)
    .values({ cardId, provider, sealedCard, sealedPin: null, createdAt: at, updatedAt: at });
}
