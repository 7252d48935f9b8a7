import { beforeAll, describe, expect, it } from "vitest";
import { generateBankDetails } from "../src/core/bank-details";
import { query } from "./db";
import { baseUrl, type Client, call, client, createMerchant, type TestMerchant } from "./harness";
import { approvedCustomer } from "./verifications";

/**
 * Every GET list operation of the OpenAPI document (a 200 whose schema is an `object: "list"`),
 * asked by two merchants in both environments after each of the four holds objects: each sees only
 * its own. The operations come from /api/v1/openapi.json, so a new list endpoint is covered at once.
 */

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string }>;
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: { object?: { const?: string; enum?: string[] } } }> };
}

/** Sandbox-only objects: production answers 403 sandbox_only. */
const SANDBOX_ONLY = new Set(["/api/v1/test-clocks", "/api/v1/sandbox/emails"]);

/** Platform-wide catalogs: the same for everyone, no tenant data. */
const CATALOGS = new Set([
  "/api/v1/error-codes",
  "/api/v1/payment-methods/types",
  "/api/v1/events/types",
  "/api/v1/fx/currencies",
]);

/**
 * Platform objects with the caller's own settings on them (a network with the merchant's confirmation
 * tiers): every tenant lists the same ids, each with its own settings.
 */
const PLATFORM_OBJECTS = new Set(["/api/v1/crypto/networks"]);

/** The platform operators' lists span every merchant by design (merchant credentials never reach them). */
const forOperators = (operation: OpenApiOperation) =>
  operation.security?.some((scheme) => "OperatorToken" in scheme) ?? false;

async function listOperations(): Promise<Array<{ path: string; params: string[]; query: string[] }>> {
  const doc = (await call<OpenApiDocument>("GET", "/api/v1/openapi.json")).body;
  const out: Array<{ path: string; params: string[]; query: string[] }> = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    const get = operations.get;
    const ref = get?.responses?.["200"]?.content?.["application/json"]?.schema?.$ref;
    const schema = ref ? doc.components.schemas[ref.split("/").pop() ?? ""] : undefined;
    const object = schema?.properties?.object;
    if (!get || (object?.const ?? object?.enum?.[0]) !== "list" || forOperators(get)) continue;
    out.push({
      path,
      params: (get.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
      query: (get.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
    });
  }
  return out;
}

const card = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
};

/** Objects of every listed kind for one merchant's sandbox, through the API. */
async function seedSandbox(m: TestMerchant): Promise<void> {
  const api = m.sandbox;
  await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const customer = await api.request<{ id: string }>("POST", "/customers", { email: "t@example.com" });
  const method = await api.request<{ id: string }>("POST", "/payment-methods", card);
  await api.request("POST", `/payment-methods/${method.body.id}/attach`, { customer: customer.body.id });
  await api.request("POST", "/payment-methods", { ...card, customer: customer.body.id });
  const paid = await api.request<{ id: string }>("POST", "/payments", {
    amount: 5_000,
    currency: "USD",
    payment_method_data: card,
    confirm: true,
  });
  await api.request("POST", `/sandbox/payments/${paid.body.id}/settle`);
  // Another payment, settled by settlement-run for this merchant nine days on (in a slot of its own).
  await api.request("POST", "/payments", {
    amount: 3_000,
    currency: "USD",
    payment_method_data: card,
    confirm: true,
  });
  const slot = Date.UTC(2006, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
  await fetch(`${baseUrl()}/internal/dev/functions/settlement-run?time=${slot}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-clock-offset-seconds": String(9 * 86_400) },
    body: JSON.stringify({ merchant: m.merchantId }),
  });
  await api.request("POST", `/payments/${paid.body.id}/refunds`, { amount: 100 });
  await api.request("POST", "/routing/rules", { action: "exclude", provider: "sandbox_apac" });
  const endpoint = await api.request<{ id: string }>("POST", "/webhooks/endpoints", {
    url: "http://127.0.0.1:9/tenancy",
    enabled_events: ["payment.succeeded"],
  });
  await api.request("POST", `/webhooks/endpoints/${endpoint.body.id}/test`);
  await api.request("PATCH", `/webhooks/endpoints/${endpoint.body.id}`, { enabled: false });
  for (const currency of ["USD", "EUR"]) {
    const deposit = await api.request<{ id: string }>("POST", "/funding/deposits", {
      amount: 100_000,
      currency,
      method: "wire",
    });
    await api.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  }
  await api.request("POST", "/funding/deposits", { amount: 1_000, currency: "EUR", method: "sepa" });
  const holder = await api.request<{ id: string }>("POST", "/issuing/cardholders", {
    type: "individual",
    name: "Tenancy Holder",
    customer: await approvedCustomer(api),
    billing: { address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" } },
  });
  const issued = await api.request<{ id: string }>("POST", "/issuing/cards", {
    cardholder: holder.body.id,
    type: "virtual",
    currency: "EUR",
    status: "active",
  });
  await api.request("POST", `/issuing/cards/${issued.body.id}/load`, { amount: 1_000 });
  const merchantData = { name: "Tenancy Shop", category_code: "5942", country: "DE" };
  const authorization = { card: issued.body.id, amount: 100, currency: "EUR", channel: "online" };
  await api.request("POST", "/issuing/authorizations", { ...authorization, merchant_data: merchantData });
  const forced = await api.request<{ id: string }>("POST", "/sandbox/issuing/transactions/force-capture", {
    ...authorization,
    channel: undefined,
    merchant_data: merchantData,
  });
  await api.request("POST", "/issuing/disputes", { transaction: forced.body.id, reason: "other" });
  const quote = await api.request<{ id: string }>("POST", "/fx/quotes", {
    sell_currency: "USD",
    buy_currency: "EUR",
    sell_amount: 1_000,
  });
  await api.request("POST", "/fx/conversions", { quote: quote.body.id });
  const product = await api.request<{ id: string }>("POST", "/products", { name: "Tenancy" });
  await api.request("POST", "/prices", { product: product.body.id, currency: "USD", unit_amount: 100 });
  const monthly = await api.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    unit_amount: 1_000,
    recurring: { interval: "month", interval_count: 1 },
  });
  await api.request("POST", "/subscriptions", {
    customer: customer.body.id,
    items: [{ price: monthly.body.id }],
    collection_method: "send_invoice",
  });
  // A reminder in the sandbox outbox: a send_invoice subscription on a clock moved past its due date.
  const clock = await api.request<{ id: string }>("POST", "/test-clocks", {
    frozen_time: "2027-01-01T00:00:00Z",
  });
  const clocked = await api.request<{ id: string }>("POST", "/customers", {
    email: "reminded@example.com",
    test_clock: clock.body.id,
  });
  await api.request("POST", "/subscriptions", {
    customer: clocked.body.id,
    items: [{ price: monthly.body.id }],
    collection_method: "send_invoice",
    days_until_due: 1,
  });
  await api.request("POST", `/test-clocks/${clock.body.id}/advance`, { frozen_time: "2027-01-03T00:00:00Z" });
  const coupon = await api.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
  await api.request("POST", "/promotion-codes", { coupon: coupon.body.id });
  await api.request("POST", "/meters", { display_name: "Tenancy", aggregation: { formula: "count" } });
  const link = await api.request<{ id: string; url: string }>("POST", "/payment_links", {
    custom_amount: { currency: "USD", minimum: 100, maximum: 1_000, description: "Tenancy" },
  });
  await fetch(`${baseUrl()}${new URL(link.body.url).pathname}`, { redirect: "manual" });
  const taxRate = await api.request<{ id: string }>("POST", "/tax-rates", {
    display_name: "Tenancy",
    percentage: 10,
    inclusive: false,
  });
  const invoiced = { customer: customer.body.id, amount: 100, currency: "USD", tax_rates: [taxRate.body.id] };
  await api.request("POST", "/invoice-items", invoiced);
  const invoice = await api.request<{ id: string }>("POST", "/invoices", { customer: customer.body.id });
  await api.request("POST", `/invoices/${invoice.body.id}/finalize`);
  await api.request("POST", "/credit-notes", { invoice: invoice.body.id, amount: 10 });
  // One more item stays pending.
  await api.request("POST", "/invoice-items", invoiced);
  const account = generateBankDetails("US");
  const bankAccount = await api.request<{ id: string }>("POST", "/bank-accounts", {
    account_holder_name: "Tenancy",
    account_holder_type: "company",
    country: "US",
    currency: "USD",
    routing_number: account.routing.routing_number,
    account_number: account.accountNumber,
  });
  await api.request("POST", `/bank-accounts/${bankAccount.body.id}/verify/instant`);
  const mandate = await api.request<{ id: string }>("POST", "/mandates", {
    bank_account: bankAccount.body.id,
    type: "ach_debit",
    acceptance: { type: "online" },
  });
  await api.request("POST", "/payouts", { amount: 500, currency: "USD", destination: bankAccount.body.id });
  await api.request("POST", "/bank-transfers", {
    direction: "pull",
    amount: 500,
    currency: "USD",
    bank_account: bankAccount.body.id,
    mandate: mandate.body.id,
  });
  const globalAccount = await api.request<{ id: string }>("POST", "/global-accounts", {
    country: "DE",
    currency: "EUR",
  });
  await api.request("POST", `/global-accounts/${globalAccount.body.id}/simulate-incoming-transfer`, {
    amount: 100,
    currency: "EUR",
    payer_name: "Tenancy",
  });
  await api.request("POST", "/individual_verifications", {
    first_name: "Undecided",
    last_name: "Tenancy",
    date_of_birth: "1990-01-01",
    customer: customer.body.id,
  });
}

/**
 * Production can't be seeded through the API (no simulated arrivals, settlements or providers
 * there), so the merchant's sandbox rows are copied into production with new ids: explicit seeding,
 * table by table, which is what the list queries read.
 */
const CLONED_TABLES = [
  "customers",
  "payment_methods",
  "payments",
  "refunds",
  "ledger_accounts",
  "ledger_transactions",
  "ledger_entries",
  "routing_rules",
  "events",
  "webhook_endpoints",
  "webhook_deliveries",
  "fx_quotes",
  "fx_conversions",
  "funding_deposits",
  "products",
  "prices",
  "coupons",
  "promotion_codes",
  "meters",
  "tax_rates",
  "invoices",
  "invoice_items",
  "credit_notes",
  "bank_accounts",
  "mandates",
  "global_accounts",
  "global_account_transfers",
  "payouts",
  "bank_transfers",
  "issuing_cardholders",
  "issuing_cards",
  "issuing_authorizations",
  "issuing_transactions",
  "issuing_disputes",
  "individual_verifications",
  "subscriptions",
  "settlements",
  "settlement_items",
  "checkout_sessions",
  "payment_links",
];
const REFERENCES = [
  "customer_id",
  "payment_id",
  "payment_method_id",
  "account_id",
  "transaction_id",
  "endpoint_id",
  "event_id",
  "quote_id",
  "ledger_transaction_id",
  "credit_transaction_id",
  "product_id",
  "coupon_id",
  "invoice_id",
  "bank_account_id",
  "mandate_id",
  "global_account_id",
  "cardholder_id",
  "card_id",
  "authorization_id",
  "replacement_for",
  "replaced_by",
  "refund_of",
  "payment_link_id",
  "settlement_id",
];

async function seedProduction(m: TestMerchant): Promise<void> {
  for (const table of CLONED_TABLES) {
    const columns = await query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_schema = 'public' and table_name = $1",
      [table],
    );
    const overrides = columns
      .map((c) => c.column_name)
      .filter((name) => name === "id" || REFERENCES.includes(name))
      .map((name) => `'${name}', case when t.${name} is null then null else t.${name} || 'P' end`);
    await query(
      `insert into ${table}
         select (jsonb_populate_record(null::${table}, to_jsonb(t) || jsonb_build_object('environment', 'production', ${overrides.join(", ")}))).*
         from ${table} t where t.merchant_id = $1 and t.environment = 'sandbox'
       on conflict do nothing`,
      [m.merchantId],
    );
  }
}

/**
 * Crypto addresses are made through the API in both environments (each takes its own derivation
 * index, so they can't be cloned); a deposit needs a chain, so one is written per address.
 */
/** The customer seedSandbox gave payment methods (cloned into production with the same email). */
async function seededCustomer(api: Client): Promise<string> {
  const customers = await api.request<{ data: Array<{ id: string; email: string | null }> }>(
    "GET",
    "/customers?limit=100",
  );
  return customers.body.data.find((customer) => customer.email === "t@example.com")?.id ?? "missing";
}

async function seedCrypto(m: TestMerchant): Promise<void> {
  for (const api of [m.sandbox, m.production]) {
    const customerId = await seededCustomer(api);
    const address = await api.request<{ id: string; address: string; environment: string }>(
      "POST",
      "/crypto/addresses",
      { customer: customerId, network: "base", asset: "USDC" },
    );
    const { id, address: to, environment } = address.body;
    const chain = environment === "sandbox" ? "base_sepolia" : "base";
    const hash = `0x${id.slice(-24).padStart(64, "0")}`;
    await query(
      `insert into crypto_deposits (id, merchant_id, environment, address_id, customer_id, network, chain, asset,
         token_contract, amount, decimals, from_address, to_address, tx_hash, log_index, block_number, block_hash,
         status, confirmations, required_confirmations, created_at, updated_at)
       values ($1, $2, $3, $4, $5, 'base', $6, 'USDC', null, 1000000, 6, $7, $7, $8, 0, 1, $8, 'detected', 1, 600,
         now(), now())`,
      [`cdep_${id.slice(6)}`, m.merchantId, environment, id, customerId, chain, to, hash],
    );
    await api.request("POST", "/crypto/payments", {
      customer: customerId,
      network: "base",
      asset: "USDC",
      amount: "10",
    });
    // A transfer as its row: a real one needs the local chain (src/modules/crypto/transfers.test.ts sends them).
    await query(
      `insert into crypto_transfers (id, merchant_id, environment, network, chain, asset, token_contract, decimals,
         amount, from_address, to_address, fiat_amount, fiat_currency, rate, nonce, gas_limit, max_fee_per_gas,
         max_priority_fee_per_gas, fee_cap_per_gas, status, source_type, created_at, updated_at)
       values ($1, $2, $3, 'base', $4, 'USDC', '0x036CbD53842c5426634e7929541eC2318f3dCF7e', 6, 1000000,
         '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', $5, 100, 'USD', '1', null, 100000, 2000000000, 1000000,
         4000000000, 'failed', 'api', now(), now())`,
      [`ctr_${id.slice(6)}`, m.merchantId, environment, chain, to],
    );
  }
}

describe("tenancy: every list operation shows only the caller's own objects", () => {
  let merchants: TestMerchant[];
  let operations: Awaited<ReturnType<typeof listOperations>>;
  beforeAll(async () => {
    merchants = await Promise.all([createMerchant(), createMerchant()]);
    for (const m of merchants) await seedSandbox(m);
    for (const m of merchants) await seedProduction(m);
    for (const m of merchants) await seedCrypto(m);
    operations = await listOperations();
  }, 180_000);

  it("finds the list operations in the OpenAPI document", () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
  });

  it("two merchants × two environments: non-empty, own environment, no shared ids", async () => {
    const principals: Array<{ name: string; environment: string; api: Client }> = merchants.flatMap((m, i) =>
      (["sandbox", "production"] as const).map((environment) => ({
        name: `merchant ${i + 1} ${environment}`,
        environment,
        api: client({ ...m.dashboard.headers, "x-environment": environment }),
      })),
    );
    const failures: string[] = [];
    for (const operation of operations) {
      if (CATALOGS.has(operation.path)) continue;
      const seen = new Map<string, string>();
      for (const principal of principals) {
        let path = operation.path.replace(/^\/api\/v1/, "");
        for (const param of operation.params) {
          let value = "USD";
          if (param === "id" && path.startsWith("/customers")) {
            value = await seededCustomer(principal.api);
          } else if (param === "id") {
            const parents = ["/global-accounts", "/checkout/sessions", "/settlements"];
            const parent =
              parents.find((candidate) => path.startsWith(`${candidate}/`)) ?? "/webhooks/endpoints";
            const own = await principal.api.request<{ data: Array<{ id: string }> }>("GET", parent);
            value = own.body.data[0]?.id ?? "missing";
          }
          path = path.replace(`{${param}}`, value);
        }
        if (operation.query.includes("environment")) path += `?environment=${principal.environment}`;
        const response = await principal.api.request<{ data: Array<{ id?: string; environment?: string }> }>(
          "GET",
          path,
        );
        const label = `${operation.path} as ${principal.name}`;
        if (SANDBOX_ONLY.has(operation.path) && principal.environment === "production") {
          if (response.status !== 403) failures.push(`${label}: ${response.status}, not 403`);
          continue;
        }
        if (response.status !== 200) {
          failures.push(`${label}: ${response.status}`);
          continue;
        }
        if (response.body.data.length === 0) failures.push(`${label}: empty, so it proves nothing`);
        for (const item of response.body.data) {
          if (item.environment !== undefined && item.environment !== principal.environment) {
            failures.push(`${label}: ${item.id ?? "item"} of ${item.environment}`);
          }
          if (item.id === undefined || PLATFORM_OBJECTS.has(operation.path)) continue;
          const owner = seen.get(item.id);
          if (owner && owner !== principal.name)
            failures.push(`${label}: ${item.id} also listed for ${owner}`);
          seen.set(item.id, principal.name);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
