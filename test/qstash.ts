import { Client } from "@upstash/qstash";
import { inject } from "vitest";
import { baseUrl } from "./harness";

/** A message as the local QStash's control endpoint shows it; times are its virtual clock, in ms. */
export interface QStashMessage {
  id: string;
  destination: string;
  status: "pending" | "delivering" | "delivered" | "failed" | "cancelled";
  attempts: number;
  createdAt: number;
  nextDeliveryAt: number;
  deliveredAt?: number;
  deduplicationId?: string;
  body: string;
}

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${inject("qstashUrl")}${path}`, {
    method,
    headers: { authorization: `Bearer ${inject("qstashToken")}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`local QStash ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Moves the local QStash's clock and waits for every delivery that falls due on the way. With
 * `match` (a merchant id), only the messages whose body contains it live through `ms`: the run's
 * other files' messages and the crons go on in real time.
 */
export async function fastForward(ms: number, match?: string): Promise<void> {
  await control("POST", "/local/fast-forward", match === undefined ? { ms } : { ms, match });
}

export async function qstashMessages(): Promise<QStashMessage[]> {
  return (await control<{ messages: QStashMessage[] }>("GET", "/local/messages")).messages;
}

/** Publishes a signed call of a background function through the local QStash, as production does. */
export async function publishFunction(name: string, body: unknown = {}): Promise<string> {
  const client = new Client({ baseUrl: inject("qstashUrl"), token: inject("qstashToken") });
  const result = await client.publishJSON({ url: `${baseUrl()}/internal/functions/${name}`, body });
  return result.messageId;
}

/** Cancels a pending message, as if QStash had lost it. */
export async function cancelMessage(id: string): Promise<void> {
  await control("DELETE", `/v2/messages/${id}`);
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
