import type { Services } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { retrievePayment } from "../payments/service";
import type { WalletSession } from "../wallet-pay/schemas";
import {
  availableWallets,
  completeWalletSession,
  createWalletSession,
  merchantDisplayName,
  retrieveWalletSession,
  validateApplePayMerchant,
  type Wallet,
} from "../wallet-pay/service";
import { type CheckoutPageState, contextOf } from "./outcome";
import { chargeClaimed, claimSession, isClaimed, type PayChoices, priceChoices } from "./pay";
import type { CheckoutSessionRow } from "./tables";

/**
 * Apple Pay and Google Pay on the hosted page, through the wallet-pay module: the page's script
 * opens a wallet session bound to this checkout session (its metadata names it), Apple's merchant
 * validation runs for it, and the device's token pays the session with the same claim as the
 * card form, so a session is paid once whichever button the customer used.
 */

/** The wallets the page offers: payment mode, cards among its methods, and Wallet Pay's answer. */
export async function checkoutWallets(services: Services, state: CheckoutPageState): Promise<Wallet[]> {
  const { row } = state;
  if (
    row.mode !== "payment" ||
    row.status !== "open" ||
    row.paymentClaim ||
    !state.methods.includes("card")
  ) {
    return [];
  }
  return availableWallets({
    ctx: contextOf(services, row),
    currency: row.currency,
    country: null,
    amount: Math.max(row.amountTotal, 1),
  });
}

/** A refusal of the page's wallet endpoints: the page's own error code, shown in the customer's language. */
export class WalletRefusal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** The wallet session, only if this checkout session opened it (another one is a 404). */
async function boundWalletSession(services: Services, row: CheckoutSessionRow, id: string) {
  const ctx = contextOf(services, row);
  const session = await retrieveWalletSession({ ctx, id });
  if (session.metadata.checkout_session !== row.id) throw notFound("wallet session", id);
  return { ctx, session };
}

function payable(row: CheckoutSessionRow): void {
  if (row.status !== "open" || row.paymentClaim) throw new WalletRefusal("checkout_session_state_invalid");
}

/** Opens the wallet session for what the customer chose (quantities, amount, promotion code). */
export async function openCheckoutWallet(
  services: Services,
  state: CheckoutPageState,
  wallet: string,
  choices: PayChoices,
): Promise<WalletSession> {
  const { row } = state;
  payable(row);
  const offered = await checkoutWallets(services, state);
  const chosen = offered.find((candidate) => candidate === wallet);
  if (!chosen) throw new WalletRefusal("invalid");
  const priced = priceChoices(row, choices);
  if (typeof priced === "string") throw new WalletRefusal(priced);
  const amount = priced.subtotal - priced.discount;
  if (amount < 1) throw new WalletRefusal("nothing_to_pay");
  const ctx = contextOf(services, row);
  return createWalletSession({
    ctx,
    input: {
      wallet: chosen,
      amount,
      currency: row.currency,
      country: "US",
      merchant_domain: new URL(services.config.PUBLIC_URL).hostname,
      display_name: await merchantDisplayName(ctx),
      metadata: { checkout_session: row.id },
    },
  });
}

/** Apple Pay's merchant validation for a wallet session this checkout session opened. */
export async function validateCheckoutApplePay(
  services: Services,
  row: CheckoutSessionRow,
  walletSessionId: string,
  validationUrl: string,
): Promise<Record<string, unknown>> {
  payable(row);
  const { ctx } = await boundWalletSession(services, row, walletSessionId);
  return validateApplePayMerchant({ ctx, id: walletSessionId, validationUrl });
}

/**
 * The device's token pays the checkout session: what the customer chose must still cost what the
 * wallet session's sheet showed; then the session's claim, the promotion code's redemption and the
 * wallet payment (a declined token releases the claim, as a declined card does).
 */
export async function payCheckoutWithWallet(
  services: Services,
  row: CheckoutSessionRow,
  walletSessionId: string,
  token: string,
  choices: PayChoices,
): Promise<CheckoutPageState | null> {
  const { ctx, session } = await boundWalletSession(services, row, walletSessionId);
  const priced = priceChoices(row, choices);
  if (typeof priced === "string") throw new WalletRefusal(priced);
  if (priced.subtotal - priced.discount !== session.amount) throw new WalletRefusal("invalid");
  const claim = await claimSession(services, row, choices);
  if (!isClaimed(claim)) return claim;
  return chargeClaimed(ctx, claim, async () => {
    const completed = await completeWalletSession({ ctx, id: walletSessionId, token });
    if (!completed.payment) throw new ApiError("wallet_session_state_invalid");
    return retrievePayment({ ctx, id: completed.payment });
  });
}
