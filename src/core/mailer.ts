import type { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "./config";
import { log } from "./log";
import { redisKey } from "./redis";

/**
 * One transactional email. `data` holds what a template needs (a verification token, a name);
 * `tags` say what a merchant's email is about (its merchant, environment, invoice), for the provider's logs.
 */
export interface MailMessage {
  to: string;
  template: "signup_verification" | "signup_existing_account" | "invoice_reminder";
  subject: string;
  text: string;
  html?: string;
  data: Record<string, string>;
  tags?: Record<string, string>;
}

/** How the API sends email. The domain only knows this interface (see README "Email"). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

const DEV_MAILBOX_TTL_SECONDS = 3600;
const DEV_MAILBOX_SIZE = 20;

type KeyConfig = Pick<Config, "REDIS_KEY_PREFIX">;

function devMailboxKey(config: KeyConfig, to: string): string {
  return redisKey(config, `dev:mailbox:${to.toLowerCase()}`);
}

/**
 * Development only: keeps each recipient's latest messages in Redis for an hour, so a developer
 * (or the test harness, through GET /internal/dev/mailbox) can read them; logs the recipient and
 * template, never the content (it holds tokens).
 */
export function devMailer(redis: Redis, config: KeyConfig): Mailer {
  return {
    async send(message) {
      const key = devMailboxKey(config, message.to);
      await redis.lpush(key, JSON.stringify(message));
      await redis.ltrim(key, 0, DEV_MAILBOX_SIZE - 1);
      await redis.expire(key, DEV_MAILBOX_TTL_SECONDS);
      log("info", "mail_recorded", { template: message.template });
    },
  };
}

/**
 * Production: POSTs the message as JSON to MAILER_URL with MAILER_TOKEN as a Bearer token (a
 * transactional email provider's send endpoint, or a relay in front of one).
 */
export function httpMailer(url: string, token: string | undefined, timeoutMs: number): Mailer {
  return {
    async send(message) {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`mailer answered ${response.status}`);
    },
  };
}

/** Production without MAILER_URL: nothing is sent, and every attempt says so in the log. */
export const unconfiguredMailer: Mailer = {
  async send(message) {
    log("warn", "mail_not_sent", { reason: "MAILER_URL is not set", template: message.template });
  },
};

export function createMailer(
  config: Pick<
    Config,
    "APP_ENV" | "MAILER_URL" | "MAILER_TOKEN" | "REDIS_KEY_PREFIX" | "OUTBOUND_TIMEOUT_MS"
  >,
  redis: Redis,
): Mailer {
  if (config.MAILER_URL)
    return httpMailer(config.MAILER_URL, config.MAILER_TOKEN, config.OUTBOUND_TIMEOUT_MS);
  return config.APP_ENV === "development" ? devMailer(redis, config) : unconfiguredMailer;
}

/** Development only: the recipient's recorded messages, newest first. */
export async function readDevMailbox(redis: Redis, config: KeyConfig, to: string): Promise<MailMessage[]> {
  const items = await redis.lrange<MailMessage | string>(devMailboxKey(config, to), 0, DEV_MAILBOX_SIZE - 1);
  return items.map((item) => (typeof item === "string" ? (JSON.parse(item) as MailMessage) : item));
}
