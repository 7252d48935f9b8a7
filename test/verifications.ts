import { createHash, createHmac } from "node:crypto";
import { expect, inject } from "vitest";
import { query } from "./db";
import { type ApiResponse, baseUrl, type Client, call, type TestMerchant } from "./harness";

/** Helpers of the KYC & KYB tests: people, the local Veriff double, signed webhooks, the poller. */

export interface Verification {
  id: string;
  status: string;
  attempts: number;
  verification_url: string | null;
  decision_code: number | null;
  reasons: Array<{ code: string; description: string }>;
  business_verification: string | null;
  relationship: { required: boolean; ownership_percent: number } | null;
}

export interface Business {
  id: string;
  status: string;
  registry_check: { outcome: string } | null;
  reasons: Array<{ code: string }>;
}

export const person = (firstName: string, extra: Record<string, unknown> = {}) => ({
  first_name: firstName,
  last_name: "Lovelace",
  date_of_birth: "1990-04-12",
  nationality: "GB",
  ...extra,
});

export async function createPerson(client: Client, firstName: string, extra: Record<string, unknown> = {}) {
  const created = await client.request<Verification>(
    "POST",
    "/individual_verifications",
    person(firstName, extra),
  );
  expect(created.status, created.text).toBe(200);
  return created.body;
}

export async function submit(client: Client, id: string): Promise<Verification> {
  const submitted = await client.request<Verification>("POST", `/individual_verifications/${id}/submit`);
  expect(submitted.status, submitted.text).toBe(200);
  return submitted.body;
}

/** Reads the verification until it leaves `from` (the double's webhook arrives after its delay). */
export async function settled(client: Client, id: string, from = "submitted"): Promise<Verification> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const read = await client.request<Verification>("GET", `/individual_verifications/${id}`);
    if (read.body.status !== from) return read.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [row] = await query<{ provider_session_id: string | null }>(
    "select provider_session_id from individual_verifications where id = $1",
    [id],
  );
  const session = row?.provider_session_id ? await doubleSession(row.provider_session_id) : null;
  throw new Error(
    `verification ${id} stayed ${from}; the double's deliveries: ${JSON.stringify(session?.deliveries)}`,
  );
}

export function veriffKeys(environment: "sandbox" | "production" = "sandbox") {
  const env = inject("workerEnv");
  const prefix = environment === "sandbox" ? "VERIFF_SANDBOX_" : "VERIFF_";
  return {
    baseUrl: env[`${prefix}BASE_URL`] ?? "",
    apiKey: env[`${prefix}API_KEY`] ?? "",
    sharedSecret: env[`${prefix}SHARED_SECRET`] ?? "",
  };
}

/** The double's record of a session: its scenario and the webhook deliveries it made. */
export async function doubleSession(sessionId: string) {
  const origin = new URL(veriffKeys().baseUrl).origin;
  const response = await fetch(`${origin}/__control/sessions/${sessionId}`);
  return (await response.json()) as {
    deliveries: Array<{ status: number | null; signed: string }>;
    attemptId: string;
  };
}

export function decisionBody(
  sessionId: string,
  attemptId: string,
  code: number,
  extra: Record<string, unknown> = {},
) {
  return JSON.stringify({
    status: "success",
    verification: {
      id: sessionId,
      attemptId,
      code,
      status: "approved",
      reason: null,
      reasonCode: null,
      vendorData: null,
      decisionTime: new Date().toISOString(),
      ...extra,
    },
  });
}

/** Posts a decision webhook to the Worker as Veriff does, signed with `secret`. */
export function postWebhook(
  body: string,
  secret: string,
  apiKey = veriffKeys().apiKey,
): Promise<ApiResponse> {
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  return call("POST", "/webhooks/veriff", {
    body,
    headers: { "content-type": "application/json", "x-auth-client": apiKey, "x-hmac-signature": signature },
  });
}

/** Runs the five-minute cron (verification-poll) in a window of its own, `offsetSeconds` ahead on the test clock. */
export async function runPoll(offsetSeconds = 3600) {
  const slot = Date.UTC(2002, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
  const response = await fetch(
    `${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${slot}`,
    {
      headers: { "x-test-clock-offset-seconds": String(offsetSeconds) },
    },
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    outcomes: Array<{ status: string; result?: Record<string, number> }>;
  };
  return body.outcomes;
}

/** A small valid file of each accepted type, with its SHA-256. */
export function file(kind: "pdf" | "png" | "jpeg", size = 64) {
  const magic = {
    pdf: [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37],
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    jpeg: [0xff, 0xd8, 0xff, 0xe0],
  }[kind];
  const bytes = Buffer.alloc(size, 0x41);
  Buffer.from(magic).copy(bytes);
  bytes.write(`unique-${Math.random()}`, magic.length + 1);
  return {
    bytes,
    content: bytes.toString("base64"),
    sha256: createHash("sha256").update(bytes).digest("hex"),
    mime_type: { pdf: "application/pdf", png: "image/png", jpeg: "image/jpeg" }[kind],
  };
}

export async function upload(
  client: Client,
  verification: string,
  type: string,
  kind: "pdf" | "png" | "jpeg" = "pdf",
) {
  const { content, sha256, mime_type } = file(kind);
  const uploaded = await client.request<{ id: string }>("POST", "/verification_documents", {
    verification,
    type,
    mime_type,
    sha256,
    content,
  });
  expect(uploaded.status, uploaded.text).toBe(200);
  return uploaded.body;
}

export const businessInput = (extra: Record<string, unknown> = {}) => ({
  legal_name: "Acme Trading Ltd",
  registration_number: "12345678",
  country: "GB",
  incorporation_date: "2019-05-01",
  registered_address: { line1: "1 High Street", city: "London", postal_code: "E1 6AN", country: "GB" },
  website: "https://acme.example.com",
  mcc: "5734",
  ...extra,
});

export async function addPerson(
  merchant: TestMerchant,
  env: "sandbox" | "production",
  business: string,
  name: string,
  relationship: Record<string, unknown>,
) {
  const added = await merchant[env].request<Verification>(
    "POST",
    `/business_verifications/${business}/persons`,
    {
      ...person(name),
      relationship,
    },
  );
  expect(added.status, added.text).toBe(200);
  return added.body;
}

export async function createBusiness(
  merchant: TestMerchant,
  env: "sandbox" | "production",
  extra: Record<string, unknown> = {},
) {
  const created = await merchant[env].request<Business>(
    "POST",
    "/account/business_verification",
    businessInput(extra),
  );
  expect(created.status, created.text).toBe(200);
  return created.body;
}

/** A customer whose individual verification (KYC) the local Veriff double approved: a card user. */
export async function approvedCustomer(client: Client, firstName = "Ada"): Promise<string> {
  const customer = await client.request<{ id: string }>("POST", "/customers", {
    name: `${firstName} Lovelace`,
  });
  expect(customer.status, customer.text).toBe(200);
  const verification = await createPerson(client, firstName, { customer: customer.body.id });
  await submit(client, verification.id);
  expect((await settled(client, verification.id)).status).toBe("approved");
  return customer.body.id;
}

/** The platform operator's client: the operator token of the test Worker, no merchant credentials. */
export function operatorHeaders(token = inject("workerEnv").OPERATOR_TOKEN ?? "") {
  return { "x-operator-token": token };
}

export async function review(
  kind: "individual_verifications" | "business_verifications",
  id: string,
  body: unknown,
  headers: Record<string, string> = operatorHeaders(),
): Promise<ApiResponse> {
  return call("POST", `/api/v1/operator/${kind}/${id}/review`, { body, headers });
}

/** Runs one background function for one merchant, `offsetSeconds` ahead on the test clock, in a slot of its own. */
export async function runFunctionFor(name: string, payload: unknown, offsetSeconds: number) {
  const slot = Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 1_000_000) * 3_600_000;
  const response = await fetch(`${baseUrl()}/internal/dev/functions/${name}?time=${slot}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-clock-offset-seconds": String(offsetSeconds) },
    body: JSON.stringify(payload),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { status: string; result?: Record<string, number> };
}
