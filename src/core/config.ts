import { z } from "zod";

/** A variable holding JSON, parsed and checked against `schema`. */
function jsonVariable<T extends z.ZodType>(schema: T, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const googlePayRootKeys = z.array(
  z.object({
    keyValue: z.string().min(1),
    protocolVersion: z.string(),
    keyExpiration: z.string().regex(/^\d+$/).optional(),
  }),
);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Everything the Worker reads from its environment, validated on the first request. */
export const configSchema = z.object({
  DATABASE_URL: z.string().url(),
  /** Local development only: "host:port/v1" of the WebSocket-to-TCP proxy in scripts/local-stack. */
  NEON_WS_PROXY: z.string().min(1).optional(),
  /** Local development only: the SQL-over-HTTP endpoint in scripts/local-stack (Neon's own is derived from DATABASE_URL). */
  NEON_HTTP_ENDPOINT: z.string().url().optional(),
  /** Local stack and bench only: tag database and Redis calls with the request id so the adapters count round trips per request. */
  TRACE_ROUND_TRIPS: z.stringbool().default(false),
  UPSTASH_REDIS_REST_URL: z.string().url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  QSTASH_URL: z.string().url().default("https://qstash.upstash.io"),
  QSTASH_TOKEN: z.string().min(1),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1),
  /** The Worker's own public base URL: QStash calls background functions there. */
  PUBLIC_URL: z.string().url(),
  APP_ENV: z.enum(["development", "production"]).default("production"),
  RATE_LIMIT_SANDBOX_PER_SECOND: positiveInt(25),
  RATE_LIMIT_PRODUCTION_PER_SECOND: positiveInt(100),
  /**
   * Operator action: per-merchant ceilings above the environment default for API key rate limits,
   * "mer_a=500,mer_b=2000". Without an entry a merchant's keys are capped at the default.
   */
  RATE_LIMIT_MERCHANT_CEILINGS: z
    .string()
    .regex(/^(mer_[A-Za-z0-9]+=[1-9]\d{0,6}(,mer_[A-Za-z0-9]+=[1-9]\d{0,6})*)?$/, "mer_id=limit,…")
    .default(""),
  /** Sign-ups per client IP (CF-Connecting-IP) per hour: each one costs a PBKDF2 hash. */
  SIGNUP_LIMIT_PER_IP_PER_HOUR: positiveInt(10),
  /** Client IPs never throttled at sign-up, "ip,ip" (an operator's own onboarding service; loopback in tests). */
  SIGNUP_LIMIT_EXEMPT_IPS: z.string().default(""),
  /** Transactional email: messages are POSTed as JSON here (README "Email"); unset in development. */
  MAILER_URL: z.string().url().optional(),
  MAILER_TOKEN: z.string().min(1).optional(),
  /**
   * Tests only (refused in production): every rate-limit window is this many times longer, the
   * counts unchanged. The limiter's windows start at multiples of their length since 1970, and a
   * burst that straddles an edge gets part of its budget back; the test stack stretches them past
   * the time since 1970, which leaves no edge to straddle.
   */
  RATE_LIMIT_WINDOW_SCALE: positiveInt(1),
  /** Put before every Redis key the Worker builds, so deployments or test runs sharing one Redis never meet. */
  REDIS_KEY_PREFIX: z.string().default(""),
  SESSION_TTL_SECONDS: positiveInt(12 * 60 * 60),
  /** How long an isolate trusts a cached API key or session: the bound on a revocation reaching every isolate. */
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** How long Redis keeps a credential looked up in the database (revoke, roll and logout delete it). */
  AUTH_REDIS_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; see docs/security.md for the Workers cap. */
  PASSWORD_PBKDF2_ITERATIONS: positiveInt(600_000),
  /** How long finished background-function runs are kept (the latest of each function always is). */
  FUNCTION_RUNS_RETENTION_DAYS: positiveInt(14),
  /** Rates for production merchants; sandbox merchants always get the deterministic sandbox source. */
  FX_PRODUCTION_SOURCE: z.enum(["openexchangerates", "sandbox"]).default("openexchangerates"),
  FX_RATE_SOURCE_URL: z.string().url().default("https://openexchangerates.org/api/latest.json"),
  FX_RATE_SOURCE_KEY: z.string().min(1).optional(),
  FX_STALE_AFTER_SECONDS: positiveInt(300),
  FX_HISTORY_DAYS: positiveInt(30),
  FX_DEFAULT_MARKUP_BPS: z.coerce.number().int().min(0).max(1000).default(50),
  FX_QUOTE_TTL_SECONDS: positiveInt(60),
  /** Local development only: sandbox webhook endpoints may point at loopback (127.0.0.1, localhost). */
  WEBHOOKS_ALLOW_LOCALHOST: z.stringbool().default(false),
  /** HMAC key for card fingerprints: the same card gives the same fingerprint for every merchant using this key. */
  CARD_FINGERPRINT_KEY: z.string().min(32),
  /** Base64 of 32 random bytes: AES-256-GCM key for provider credentials at rest. */
  PROVIDER_CREDENTIALS_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes"),
  /** Local development only: provider connections may point their API base URL at loopback (mock servers). */
  PROVIDERS_ALLOW_LOCALHOST: z.stringbool().default(false),
  /** Every outbound provider call is aborted after this long; its outcome is then unknown (docs/payments.md). */
  PROVIDER_TIMEOUT_MS: positiveInt(10_000),
  /**
   * Every other outbound call (Veriff, the mailer, DNS over HTTPS, chain RPC, the FX rate source) is
   * aborted after this long; each caller then answers as that service being unavailable.
   */
  OUTBOUND_TIMEOUT_MS: positiveInt(10_000),
  /**
   * How far below zero refunds may take a merchant's balance per currency (minor units) when neither
   * the payment's pending funds nor available cover them; merchants.negative_balance_limit overrides it.
   */
  NEGATIVE_BALANCE_LIMIT: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  /**
   * The bank partner that sends production payouts (docs/money-out.md "Production rail adapter"):
   * "none" keeps them pending. "increase" needs INCREASE_API_KEY and INCREASE_ACCOUNT_ID.
   */
  RAIL_PROVIDER: z.enum(["none", "increase"]).default("none"),
  INCREASE_BASE_URL: z.string().url().default("https://api.increase.com"),
  /** A Worker secret: Increase's bearer API key. */
  INCREASE_API_KEY: z.string().min(1).optional(),
  /** The Increase account payouts are sent from (account_…). */
  INCREASE_ACCOUNT_ID: z.string().min(1).optional(),
  /** Veriff for production merchants (README "KYC & KYB"); without a key, production identity checks answer 503. */
  VERIFF_BASE_URL: z.string().url().default("https://stationapi.veriff.com/v1"),
  VERIFF_API_KEY: z.string().min(1).optional(),
  VERIFF_SHARED_SECRET: z.string().min(1).optional(),
  /** Veriff for sandbox merchants: the local Veriff double in development and tests (scripts/local-stack/veriff.ts). */
  VERIFF_SANDBOX_BASE_URL: z.string().url().default("https://stationapi.veriff.com/v1"),
  VERIFF_SANDBOX_API_KEY: z.string().min(1).optional(),
  VERIFF_SANDBOX_SHARED_SECRET: z.string().min(1).optional(),
  /** A submitted identity check with no decision webhook after this long is polled (verification-poll). */
  VERIFF_POLL_AFTER_SECONDS: positiveInt(15 * 60),
  /** Business registry checks for production merchants: "manual" sends every business to review. */
  KYB_PRODUCTION_PROVIDER: z.enum(["manual", "sandbox"]).default("manual"),
  /** Production payments per currency (minor units, all time) a merchant may take before its KYB is approved. */
  KYB_UNVERIFIED_VOLUME_LIMIT: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1_000_000),
  /** Days after sign-up until what is currently due becomes past due (requirements.current_deadline). */
  KYB_DEADLINE_DAYS: positiveInt(30),
  /** HMAC key (at least 32 characters) for the short-lived signed download URLs of verification documents. */
  DOCUMENT_URL_KEY: z.string().min(32),
  DOCUMENT_URL_TTL_SECONDS: positiveInt(300),
  /**
   * The platform operators' token (a Worker secret, at least 32 characters) for /api/v1/operator/*, sent as
   * X-Operator-Token. Unset, those routes refuse every request.
   */
  OPERATOR_TOKEN: z.string().min(32).optional(),
  /** Base64 of 32 random bytes: AES-256-GCM key for webhook endpoint signing secrets at rest. */
  WEBHOOK_SECRETS_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes"),
  /** Base64 of 32 random bytes: AES-256-GCM key for saved bank account numbers at rest. */
  BANK_ACCOUNT_NUMBERS_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes"),
  /** HMAC key for bank account fingerprints (dedupe per merchant); changing it re-keys every fingerprint. */
  BANK_ACCOUNT_FINGERPRINT_KEY: z.string().min(32),
  /** Base64 of 32 random bytes: AES-256-GCM key of the sandbox issuing providers' card vault (PAN, CVC, PIN). */
  ISSUING_CARD_DATA_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "base64 of 32 bytes"),
  /** A webhook attempt with no answer within this long is a failed attempt (and retried on schedule). */
  WEBHOOK_ATTEMPT_TIMEOUT_MS: positiveInt(15_000),
  /** DNS over HTTPS (JSON API) used to resolve webhook hosts before every attempt. */
  WEBHOOKS_DOH_URL: z.string().url().default("https://cloudflare-dns.com/dns-query"),
  /**
   * Attempts to hosts whose every address is Cloudflare's go through fetch(): on Cloudflare a Worker's
   * sockets cannot dial Cloudflare's own addresses. Off when the Worker runs anywhere else, so that
   * every attempt is pinned to its checked address (docs/webhooks.md).
   */
  WEBHOOKS_CLOUDFLARE_VIA_FETCH: z.stringbool().default(true),
  /**
   * The extended public key deposit addresses derive from (m/44'/60'/0'/0, children i): xpub or tpub.
   * The seed never reaches the Worker. Unset, deposit addresses answer 503 crypto_not_configured.
   */
  CRYPTO_XPUB: z
    .string()
    .regex(/^[xt]pub[1-9A-HJ-NP-Za-km-z]{100,112}$/, "an extended public key (xpub…)")
    .optional(),
  /** RPC URLs per chain, tried in order (failover): {"ethereum": ["https://…", "https://…"], "local": [...]}. */
  CRYPTO_RPC_URLS: jsonVariable(z.record(z.string(), z.array(z.string().url()).min(1)), "{}"),
  /** The local chain's ERC-20s (hardhat has none): [{"symbol": "USDC", "contract": "0x…", "decimals": 6}]. */
  CRYPTO_LOCAL_TOKENS: jsonVariable(
    z.array(
      z.object({
        symbol: z.enum(["USDC", "USDT"]),
        contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
        decimals: z.number().int().min(0).max(36),
      }),
    ),
    "[]",
  ),
  /**
   * The hot wallet's private key (0x + 64 hex), a Worker secret: crypto transfers are signed with it.
   * Only the send path reads it. Unset, POST /crypto/transfers answers 503 crypto_sends_not_configured.
   */
  CRYPTO_HOT_WALLET_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "a private key (0x + 64 hex)")
    .optional(),
  /**
   * A Worker secret, JSON: a hot wallet key per chain key, {"base": "0x…"}. A chain without an entry
   * uses CRYPTO_HOT_WALLET_KEY. Read only on the send path, as that one.
   */
  CRYPTO_HOT_WALLET_KEYS: jsonVariable(
    z.record(z.string(), z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a private key (0x + 64 hex)")),
    "{}",
  ),
  /** USD prices of native assets for production credits, {"ETH": "3150.25"}; sandbox uses fixed reference prices. */
  /** Apple Pay (docs/wallet-pay.md): the merchant identifier registered with Apple (platform integrator). */
  APPLE_PAY_MERCHANT_IDENTIFIER: z.string().min(1).default("merchant.com.magnetpay"),
  /** Base64 PKCS#8 of the Apple Pay payment processing certificate's P-256 private key. Unset: Apple Pay completion answers 503. */
  APPLE_PAY_PAYMENT_PROCESSING_KEY: z.string().min(1).optional(),
  /** Base64 DER of Apple Root CA - G3, the anchor of every token signature. */
  APPLE_PAY_ROOT_CA: z.string().min(1).optional(),
  /** How far an Apple Pay token's signing time may be from now. */
  APPLE_PAY_SIGNING_WINDOW_SECONDS: positiveInt(300),
  /** The file Apple reads at /.well-known/apple-developer-merchantid-domain-association. */
  APPLE_PAY_DOMAIN_ASSOCIATION: z.string().min(1).optional(),
  /** Google Pay: our gateway id (tokenizationSpecification.parameters.gateway; recipient id "gateway:<id>"). */
  GOOGLE_PAY_GATEWAY_ID: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .default("magnetpay"),
  /** Google's merchantInfo.merchantId for production payment sheets. */
  GOOGLE_PAY_MERCHANT_ID: z.string().min(1).optional(),
  /** Base64 PKCS#8 of the P-256 key whose public half is registered with Google. Unset: Google Pay completion answers 503. */
  GOOGLE_PAY_PRIVATE_KEY: z.string().min(1).optional(),
  /** Google's root signing keys (keys.json "keys"), for production tokens. */
  GOOGLE_PAY_ROOT_KEYS: jsonVariable(googlePayRootKeys, "[]"),
  /** Google's test root signing keys, for sandbox tokens (Google's TEST environment). */
  GOOGLE_PAY_TEST_ROOT_KEYS: jsonVariable(googlePayRootKeys, "[]"),
  CRYPTO_NATIVE_PRICES_USD: jsonVariable(
    z.record(z.string(), z.string().regex(/^\d{1,12}(\.\d{1,18})?$/)),
    "{}",
  ),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly variables: string[]) {
    super(`Invalid or missing environment variable(s): ${variables.join(", ")}`);
    this.name = "ConfigError";
  }
}

let cached: { source: unknown; config: Config } | undefined;

/** Validates once per isolate and env object; the message names every bad variable. */
export function loadConfig(env: Record<string, unknown>): Config {
  if (cached?.source === env) return cached.config;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError([...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))]);
  }
  if (parsed.data.APP_ENV === "production" && parsed.data.RATE_LIMIT_WINDOW_SCALE !== 1) {
    throw new ConfigError(["RATE_LIMIT_WINDOW_SCALE"]);
  }
  if (
    parsed.data.RAIL_PROVIDER === "increase" &&
    (!parsed.data.INCREASE_API_KEY || !parsed.data.INCREASE_ACCOUNT_ID)
  ) {
    throw new ConfigError(["INCREASE_API_KEY", "INCREASE_ACCOUNT_ID"]);
  }
  cached = { source: env, config: parsed.data };
  return parsed.data;
}
