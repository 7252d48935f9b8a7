import { type Context, Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { findUnsafeString } from "../../core/input-safety";
import { errorMessageKey, translator } from "./messages";
import { choicesOf, localeOf } from "./pages";
import { type CheckoutPageState, loadCheckoutPage } from "./service";
import { openCheckoutWallet, payCheckoutWithWallet, validateCheckoutApplePay, WalletRefusal } from "./wallet";

/**
 * The hosted page's wallet endpoints, for its script (JSON, same origin, no API key: the checkout
 * session's id in the URL is the credential, as for the page). Each answers either what the
 * script needs or `{ error: { code, message } }` with the message in the customer's language.
 */

/** The JSON object posted; none when unreadable or holding what PostgreSQL can't store (NUL, a lone surrogate). */
async function bodyOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const body: unknown = await c.req.json().catch(() => null);
  return typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    findUnsafeString(body) === undefined
    ? (body as Record<string, unknown>)
    : {};
}

function text(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  return typeof value === "string" && value.length <= max ? value : "";
}

/** The page's refusals (ours and the services' catalog codes), as JSON the script shows. */
function refused(c: Context<AppEnv>, error: unknown, sessionLocale: string) {
  const code = error instanceof WalletRefusal ? error.code : error instanceof ApiError ? error.code : null;
  if (!code) throw error;
  const status = error instanceof ApiError && error.status === 404 ? 404 : 422;
  const message = translator(localeOf(c, sessionLocale))(errorMessageKey(code));
  return c.json({ error: { code, message } }, status);
}

async function openSession(c: Context<AppEnv>): Promise<CheckoutPageState | null> {
  return loadCheckoutPage(c.get("services"), c.req.param("id") ?? "");
}

function notFound(c: Context<AppEnv>) {
  return c.json({ error: { code: "resource_missing", message: "Not found." } }, 404);
}

export const checkoutWalletRouter = new Hono<AppEnv>()
  .post("/checkout/:id/wallet", async (c) => {
    const state = await openSession(c);
    if (!state) return notFound(c);
    const body = await bodyOf(c);
    try {
      const session = await openCheckoutWallet(
        c.get("services"),
        state,
        text(body, "wallet", 20),
        choicesOf(body, state.row),
      );
      return c.json(
        {
          id: session.id,
          amount: session.amount,
          apple_pay: session.apple_pay,
          google_pay: session.google_pay,
        },
        200,
      );
    } catch (error) {
      return refused(c, error, state.row.locale);
    }
  })
  .post("/checkout/:id/wallet/:wallet_session/apple-pay/validate", async (c) => {
    const state = await openSession(c);
    if (!state) return notFound(c);
    const body = await bodyOf(c);
    try {
      const merchantSession = await validateCheckoutApplePay(
        c.get("services"),
        state.row,
        c.req.param("wallet_session"),
        text(body, "validation_url", 2000),
      );
      return c.json(merchantSession, 200);
    } catch (error) {
      return refused(c, error, state.row.locale);
    }
  })
  .post("/checkout/:id/wallet/:wallet_session/complete", async (c) => {
    const state = await openSession(c);
    if (!state) return notFound(c);
    const body = await bodyOf(c);
    const token = text(body, "token", 100_000);
    try {
      if (!token) throw new WalletRefusal("invalid");
      const outcome = await payCheckoutWithWallet(
        c.get("services"),
        state.row,
        c.req.param("wallet_session"),
        token,
        choicesOf(body, state.row),
      );
      if (outcome?.error) throw new WalletRefusal(outcome.error);
      // The success URL, a bank page, or the checkout page showing where the session stands.
      return c.json({ redirect: outcome?.redirect ?? `/checkout/${state.row.id}` }, 200);
    } catch (error) {
      return refused(c, error, state.row.locale);
    }
  });
