import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { errorText, log } from "../../core/log";
import { sandboxApplePayGateway } from "./sandbox-apple-gateway";

/**
 * Apple's payment gateway hosts (Apple Pay on the Web, "Setting up your server"): the global and
 * China gateways, their numbered pods, and the sandbox ("-cert") gateways.
 */
const APPLE_GATEWAY_HOST = /^(?:cn-)?apple-pay-gateway(?:-cert|-(?:nc|pr)-pod[1-5](?:-dr)?)?\.apple\.com$/;
const APPLE_GATEWAY_PATH = /^\/paymentservices\/(?:startSession|paymentSession)$/;

/**
 * The validationURL, if it names Apple's gateway: https on port 443, an allow-listed host, the
 * session path, nothing else (no credentials, query or fragment). Anything else would let a caller
 * make our server, with its merchant identity certificate, call a host of their choosing.
 */
export function appleValidationUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused();
  }
  const allowed =
    url.protocol === "https:" &&
    url.port === "" &&
    url.username === "" &&
    url.password === "" &&
    url.search === "" &&
    url.hash === "" &&
    APPLE_GATEWAY_HOST.test(url.hostname) &&
    APPLE_GATEWAY_PATH.test(url.pathname);
  if (!allowed) throw refused();
  return url;
}

function refused(): ApiError {
  return new ApiError("wallet_validation_url_invalid", { param: "validation_url" });
}

export interface MerchantValidationRequest {
  merchantIdentifier: string;
  displayName: string;
  initiative: "web";
  initiativeContext: string;
}

/**
 * Asks Apple for a merchant session. Production goes through the mTLS certificate binding
 * (APPLE_PAY_MERCHANT_IDENTITY: the merchant identity certificate); sandbox to the local double.
 * Called with no transaction open.
 */
export async function requestMerchantSession(
  ctx: ServiceContext,
  url: URL,
  body: MerchantValidationRequest,
): Promise<Record<string, unknown>> {
  const { services } = ctx;
  const gateway =
    ctx.environment === "sandbox"
      ? sandboxApplePayGateway(services.clock.now())
      : services.applePayMerchantIdentity;
  if (!gateway) throw new ApiError("wallet_not_configured", { message: "Apple Pay is not configured." });
  let response: Response;
  try {
    response = await gateway.fetch(url.toString(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(services.config.PROVIDER_TIMEOUT_MS),
    });
  } catch (error) {
    log("warn", "apple_pay_validation_unreachable", { error: errorText(error) });
    throw new ApiError("wallet_merchant_validation_failed");
  }
  const session: unknown = await response.json().catch(() => null);
  if (!response.ok || !session || typeof session !== "object" || Array.isArray(session)) {
    log("warn", "apple_pay_validation_refused", { status: response.status });
    throw new ApiError("wallet_merchant_validation_failed");
  }
  return session as Record<string, unknown>;
}
