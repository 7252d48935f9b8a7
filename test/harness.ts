import { inject } from "vitest";

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Headers_ = Record<string, string>;

export function baseUrl(): string {
  return inject("baseUrl");
}

const RUNTIME_RESTARTED = "Your worker restarted mid-request.";

/** A raw HTTP call to the Worker; the body is sent as JSON unless it is already a string. */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Headers_ } = {},
): Promise<ApiResponse<T>> {
  const headers: Headers_ = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  let response = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  let text = await response.text();
  // workerd under miniflare occasionally restarts its isolate on a loaded machine and answers the
  // requests in flight with this 503, asking for a resend (it resends only GET and HEAD itself).
  // It is the local runtime's, never the API's answer, so the harness resends once.
  if (response.status === 503 && text.startsWith(RUNTIME_RESTARTED)) {
    response = await fetch(`${baseUrl()}${path}`, { method, headers, body });
    text = await response.text();
  }
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface Client {
  headers: Headers_;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Headers_,
  ): Promise<ApiResponse<T>>;
}

export function client(headers: Headers_): Client {
  return {
    headers,
    request: (method, path, body, extra) =>
      call(method, `/api/v1${path}`, { body, headers: { ...headers, ...extra } }),
  };
}

export interface TestMerchant {
  merchantId: string;
  email: string;
  password: string;
  token: string;
  /** Dashboard session, sandbox environment. */
  dashboard: Client;
  sandbox: Client;
  production: Client;
  sandboxKey: { id: string; key_id: string; secret: string };
  productionKey: { id: string; key_id: string; secret: string };
}

let counter = 0;

export function uniqueEmail(): string {
  counter += 1;
  return `test-${Date.now().toString(36)}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export interface MailMessage {
  to: string;
  template: string;
  subject: string;
  data: Record<string, string>;
}

/** The messages the Worker's development mailer recorded for an address, newest first. */
export async function mailbox(to: string): Promise<MailMessage[]> {
  const response = await call<{ data: MailMessage[] }>(
    "GET",
    `/internal/dev/mailbox?to=${encodeURIComponent(to)}`,
  );
  if (response.status !== 200) throw new Error(`mailbox failed: ${response.status} ${response.text}`);
  return response.body.data;
}

export interface SignedUp {
  token: string;
  merchant: { id: string };
  user: { email: string };
  expires_at: string;
}

/**
 * Signs up through the API as a user would: POST /auth/signup (202 for every email), then the
 * token from the verification email (read from the development mailbox) to POST /auth/signup/verify.
 */
export async function signUp(
  email: string,
  password: string,
  businessName = "Test Shop",
  headers: Headers_ = {},
): Promise<ApiResponse<SignedUp>> {
  const started = await call("POST", "/api/v1/auth/signup", {
    body: { business_name: businessName, email, password },
    headers,
  });
  if (started.status !== 202) throw new Error(`signup failed: ${started.status} ${started.text}`);
  const verification = (await mailbox(email)).find((message) => message.template === "signup_verification");
  if (!verification?.data.token) throw new Error(`no verification email for ${email}`);
  return call<SignedUp>("POST", "/api/v1/auth/signup/verify", { body: { token: verification.data.token } });
}

/** A fresh merchant with a dashboard session and one API key pair per environment. */
export async function createMerchant(): Promise<TestMerchant> {
  const email = uniqueEmail();
  const password = "correct horse battery staple";
  const signup = await signUp(email, password);
  if (signup.status !== 200) throw new Error(`signup failed: ${signup.status} ${signup.text}`);
  const token = signup.body.token;
  const dashboard = client({ authorization: `Bearer ${token}` });
  const makeKey = async (environment: "sandbox" | "production") => {
    const created = await dashboard.request<{ id: string; key_id: string; secret: string }>(
      "POST",
      "/api-keys",
      {
        environment,
        name: `${environment} key`,
      },
    );
    if (created.status !== 200) throw new Error(`key creation failed: ${created.status} ${created.text}`);
    return created.body;
  };
  const sandboxKey = await makeKey("sandbox");
  const productionKey = await makeKey("production");
  return {
    merchantId: signup.body.merchant.id,
    email,
    password,
    token,
    dashboard,
    sandbox: client({ "x-api-key": sandboxKey.key_id, "x-api-secret": sandboxKey.secret }),
    production: client({ "x-api-key": productionKey.key_id, "x-api-secret": productionKey.secret }),
    sandboxKey,
    productionKey,
  };
}

export function expectError(response: ApiResponse, status: number, code: string): void {
  const error = (response.body as { error?: { code?: string; type?: string; request_id?: string } }).error;
  if (response.status !== status || error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${response.text}`);
  }
  if (!error.request_id?.startsWith("req_") || !error.type) {
    throw new Error(`error without request_id or type: ${response.text}`);
  }
}
