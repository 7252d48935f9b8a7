import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { findSandboxProcessor } from "./sandbox";
import { STRIPE_API_BASE, stripeCapabilities, stripeFees } from "./stripe";
import type { PaymentProvider } from "./types";

/** What the providers area knows of each provider it can connect, and where Stripe may be reached. */

export const STRIPE = "stripe";

export function knownProvider(ctx: ServiceContext, provider: string): boolean {
  return (
    provider === STRIPE || (ctx.environment === "sandbox" && findSandboxProcessor(provider) !== undefined)
  );
}

export function describe(
  provider: string,
): Pick<
  PaymentProvider,
  "name" | "capabilities" | "fees" | "settlementDelayDays" | "returnsFeeOnFullRefund"
> {
  const sandbox = findSandboxProcessor(provider);
  if (sandbox) return sandbox;
  return {
    name: "Stripe",
    capabilities: stripeCapabilities,
    fees: stripeFees,
    settlementDelayDays: 2,
    returnsFeeOnFullRefund: false,
  };
}

/**
 * The API base a connection may use: Stripe's own, or (PROVIDERS_ALLOW_LOCALHOST, local development)
 * a loopback test double for a sandbox connection. The flag never applies to production
 * connections, even when set. Checked when the connection is saved and again on every call.
 */
export function allowedApiBase(ctx: ServiceContext, url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.origin === STRIPE_API_BASE) return parsed.origin;
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost";
  const local = ctx.environment === "sandbox" && ctx.services.config.PROVIDERS_ALLOW_LOCALHOST;
  return loopback && local ? parsed.origin : undefined;
}

export function validateApiBase(ctx: ServiceContext, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const allowed = allowedApiBase(ctx, url);
  if (allowed) return allowed;
  throw new ApiError("parameter_invalid", {
    param: "api_base_url",
    message: `api_base_url must be ${STRIPE_API_BASE}.`,
  });
}

export function validateStripeCredentials(credentials: { secret_key: string; webhook_secret: string }): void {
  if (!/^(sk|rk)_(test|live)_[0-9A-Za-z]+$/.test(credentials.secret_key)) {
    throw new ApiError("provider_credentials_invalid", { param: "credentials.secret_key" });
  }
  if (!/^whsec_[0-9A-Za-z+/=]+$/.test(credentials.webhook_secret)) {
    throw new ApiError("provider_credentials_invalid", { param: "credentials.webhook_secret" });
  }
}
