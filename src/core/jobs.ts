import { Client, Receiver } from "@upstash/qstash";
import type { Config } from "./config";
import type { Services } from "./context";
import { redisKey } from "./redis";

export interface PublishOptions {
  delaySeconds?: number;
  /** QStash drops a second publish with the same id, so a retried request schedules once. */
  deduplicationId?: string;
  retries?: number;
  /** How long QStash waits for the function to answer before it counts the call as failed. */
  timeoutSeconds?: number;
}

export interface Jobs {
  /** Queues one run of a background function through QStash; returns the message id. */
  publish(functionName: string, payload: unknown, options?: PublishOptions): Promise<string>;
}

export type JobsConfig = Pick<Config, "QSTASH_URL" | "QSTASH_TOKEN" | "PUBLIC_URL">;

export function functionUrl(publicUrl: string, functionName: string): string {
  return new URL(`/internal/functions/${functionName}`, publicUrl).toString();
}

export function createJobs(config: JobsConfig): Jobs {
  const client = new Client({ baseUrl: config.QSTASH_URL, token: config.QSTASH_TOKEN });
  return {
    async publish(functionName, payload, options = {}) {
      const result = await client.publishJSON({
        url: functionUrl(config.PUBLIC_URL, functionName),
        body: payload,
        ...(options.delaySeconds ? { delay: options.delaySeconds } : {}),
        ...(options.deduplicationId ? { deduplicationId: options.deduplicationId } : {}),
        ...(options.retries === undefined ? {} : { retries: options.retries }),
        ...(options.timeoutSeconds ? { timeout: options.timeoutSeconds } : {}),
      });
      return result.messageId;
    },
  };
}

/** Checks an Upstash-Signature JWT against the raw body and the URL QStash called. */
export async function verifyQStashSignature(
  config: Pick<Config, "QSTASH_CURRENT_SIGNING_KEY" | "QSTASH_NEXT_SIGNING_KEY">,
  input: { signature: string; body: string; url: string },
): Promise<boolean> {
  const receiver = new Receiver({
    currentSigningKey: config.QSTASH_CURRENT_SIGNING_KEY,
    nextSigningKey: config.QSTASH_NEXT_SIGNING_KEY,
  });
  try {
    return await receiver.verify({ signature: input.signature, body: input.body, url: input.url });
  } catch {
    return false;
  }
}

function jwtId(signature: string): string | undefined {
  const payload = signature.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return claims && typeof claims === "object" && "jti" in claims && typeof claims.jti === "string"
      ? claims.jti
      : undefined;
  } catch {
    return undefined;
  }
}

/** Every QStash delivery carries a fresh JWT id; a second call with the same one is a replay. */
export async function claimSignature(
  { redis, config }: Pick<Services, "redis" | "config">,
  signature: string,
): Promise<boolean> {
  const id = jwtId(signature);
  if (!id) return false;
  const claimed = await redis.set(redisKey(config, `qstash:jti:${id}`), "1", { nx: true, ex: 600 });
  return claimed === "OK";
}
