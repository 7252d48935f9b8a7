/**
 * `npm start`: the whole API on this machine with no account anywhere. Uses the local
 * PostgreSQL and Redis when they answer, an embedded PostgreSQL and an in-memory Redis when not.
 * `npm run dev` (`--external`) requires DATABASE_URL and REDIS_URL and never falls back.
 */
import pg from "pg";
import { syncSchedules } from "./functions-schedules";
import {
  DEV_XPUB,
  deployTestToken,
  LOCAL_HOT_WALLET_KEY,
  LOCAL_TOKENS_CONFIG,
  startHardhatNode,
} from "./hardhat-node";
import { freePort, startWorkerStack } from "./worker-stack";

const external = process.argv.includes("--external");
const port = Number(process.env.PORT ?? 8787);
const DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432";
const DEMO = {
  email: "demo@magnetpay.local",
  password: "magnetpay-demo-password",
  business_name: "Demo Shop",
};

/** The dev database gets its own name so `npm start` never writes into the test database. */
async function ensureDatabase(serverUrl: string, name: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres`, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name}"`);
    return `${serverUrl}/${name}`;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function api(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Signs the demo merchant up as a user would: POST /auth/signup answers 202 for every email, and the
 * verification token arrives by email, here the development mailbox (GET /internal/dev/mailbox).
 */
async function signUpDemo(baseUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const started = await api(baseUrl, "POST", "/auth/signup", DEMO);
  if (started.status !== 202) return started;
  const mailbox = await fetch(`${baseUrl}/internal/dev/mailbox?to=${encodeURIComponent(DEMO.email)}`);
  const messages = (
    (await mailbox.json()) as { data?: Array<{ template: string; data: { token?: string } }> }
  ).data;
  const token = messages?.find((message) => message.template === "signup_verification")?.data.token;
  if (!token)
    return { status: mailbox.status, body: { error: "no verification email for the demo merchant" } };
  return api(baseUrl, "POST", "/auth/signup/verify", { token });
}

/** Logs in the demo user (signing it up the first time) and issues a fresh sandbox key pair. */
async function seedDemo(baseUrl: string): Promise<{ keyId: string; secret: string; token: string }> {
  let session = await api(baseUrl, "POST", "/auth/sessions", { email: DEMO.email, password: DEMO.password });
  if (session.status !== 200) session = await signUpDemo(baseUrl);
  if (session.status !== 200)
    throw new Error(`Could not sign in the demo merchant: ${JSON.stringify(session.body)}`);
  const token = String(session.body.token);
  const key = await api(
    baseUrl,
    "POST",
    "/api-keys",
    { environment: "sandbox", name: `npm start ${new Date().toISOString()}` },
    { authorization: `Bearer ${token}` },
  );
  if (key.status !== 200) throw new Error(`Could not create a sandbox key: ${JSON.stringify(key.body)}`);
  return { keyId: String(key.body.key_id), secret: String(key.body.secret), token };
}

async function main(): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  if (external) {
    if (!databaseUrl || !process.env.REDIS_URL) {
      console.error(
        "npm run dev needs DATABASE_URL and REDIS_URL, e.g. DATABASE_URL=postgres://... REDIS_URL=redis://...",
      );
      process.exit(1);
    }
  } else if (!databaseUrl) {
    databaseUrl = await ensureDatabase(DEFAULT_SERVER, "magnetpay");
  }
  // The local chain for sandbox crypto deposits (network "local"): hardhat's node with the test USDC.
  const localChain = await startHardhatNode(await freePort());
  await deployTestToken(localChain.url);
  const stack = await startWorkerStack({
    extraVars: {
      CRYPTO_XPUB: process.env.CRYPTO_XPUB ?? DEV_XPUB,
      CRYPTO_RPC_URLS: JSON.stringify({ local: [localChain.url] }),
      CRYPTO_LOCAL_TOKENS: LOCAL_TOKENS_CONFIG,
      CRYPTO_HOT_WALLET_KEY: process.env.CRYPTO_HOT_WALLET_KEY ?? LOCAL_HOT_WALLET_KEY,
    },
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    external,
    port,
    logLevel: "info",
  });
  const demo = await seedDemo(stack.baseUrl);
  // wrangler dev fires no cron triggers by itself: the local QStash runs the schedules, as in production.
  const schedules = await syncSchedules({
    qstashUrl: stack.local.qstashUrl,
    qstashToken: stack.local.qstashToken,
    publicUrl: stack.baseUrl,
  });
  console.log(`
MagnetPay is running.

  API        ${stack.baseUrl}/api/v1
  Docs       ${stack.baseUrl}/docs
  OpenAPI    ${stack.baseUrl}/api/v1/openapi.json
  Database   ${stack.databaseDescription}
  Redis      ${stack.redisDescription}
  Chain      ${localChain.url} (hardhat, chain id 31337; test USDC at the network "local")
  Schedules  ${schedules.upserted.length} background functions scheduled on the local QStash
  Veriff     local double at ${stack.local.veriff.url} (identity checks decide from the person's name: README "KYC & KYB")

Sandbox API key pair (new each start; the secret is shown only here):
  X-Api-Key:    ${demo.keyId}
  X-Api-Secret: ${demo.secret}

Dashboard login: ${DEMO.email} / ${DEMO.password}

Try it:
  curl -s ${stack.baseUrl}/api/v1/customers -H 'X-Api-Key: ${demo.keyId}' -H 'X-Api-Secret: ${demo.secret}' \\
    -H 'content-type: application/json' -d '{"email":"ada@example.com"}'
`);
  const stop = async () => {
    await stack.close();
    await localChain.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
