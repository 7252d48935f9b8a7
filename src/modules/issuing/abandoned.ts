import { and, asc, eq, lt } from "drizzle-orm";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { toAuthorization } from "./authorize";
import { applyDecision } from "./realtime";
import { issuingAuthorizations, issuingCards } from "./tables";

/**
 * A `pending_request` authorization is decided by the request that asked the merchant within the
 * card's timeout (at most 1.5 s). One still pending after this was left by a Worker that stopped
 * between asking and applying: its hold would stay taken for ever.
 */
export const ABANDONED_AFTER_MS = 60_000;
const SWEEP_LIMIT = 500;

/**
 * Applies the card's default (`on_timeout`) to abandoned authorizations, reason `webhook_abandoned`:
 * a decline releases the hold. Each is applied by compare-and-set on its status, so a request
 * finishing at the same moment and the sweep decide it once between them.
 */
export async function decideAbandonedAuthorizations(
  services: Services,
  { merchant }: { merchant?: string | undefined },
): Promise<{ decided: number }> {
  const cutoff = new Date(services.clock.now().getTime() - ABANDONED_AFTER_MS);
  const filters = [
    eq(issuingAuthorizations.status, "pending_request"),
    lt(issuingAuthorizations.createdAt, cutoff),
  ];
  if (merchant) filters.push(eq(issuingAuthorizations.merchantId, merchant));
  const rows = await services.db
    .select({ authorization: issuingAuthorizations, card: issuingCards })
    .from(issuingAuthorizations)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingAuthorizations.cardId))
    .where(and(...filters))
    .orderBy(asc(issuingAuthorizations.createdAt))
    .limit(SWEEP_LIMIT);
  let decided = 0;
  for (const { authorization, card } of rows) {
    const applied = await applyDecision({
      ctx: systemContext(services, authorization, "issuing-authorization-sweep"),
      card,
      authorization: toAuthorization(authorization),
      decision: { approve: null, reason_codes: ["webhook_abandoned"] },
    });
    if (applied) decided += 1;
  }
  return { decided };
}
