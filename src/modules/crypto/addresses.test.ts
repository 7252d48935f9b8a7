import { describe, expect, it } from "vitest";
import { DEV_XPUB } from "../../../scripts/hardhat-node";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { deriveDepositAddress, paymentUri } from "./derive";
import type { CryptoAddress } from "./schemas";
import { formatUnits, toBaseUnits, toMinorUnits } from "./value";

async function customer(m: TestMerchant, client = m.sandbox): Promise<string> {
  const created = await client.request<{ id: string }>("POST", "/customers", { name: "Satoshi" });
  expect(created.status).toBe(200);
  return created.body.id;
}

describe("crypto: derivation and exact amounts", () => {
  it("derives the BIP-44 addresses of the test mnemonic from its xpub alone", () => {
    // "abandon ×11 about" at m/44'/60'/0'/0/0, as every BIP-44 wallet shows it.
    expect(deriveDepositAddress(DEV_XPUB, 0)).toBe("0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
    expect(deriveDepositAddress(DEV_XPUB, 1)).not.toBe(deriveDepositAddress(DEV_XPUB, 0));
  });

  it("converts decimal amounts to base units exactly, refusing excess decimals", () => {
    expect(toBaseUnits("25.5", 6)).toBe(25_500_000n);
    expect(toBaseUnits("25.500000", 6)).toBe(25_500_000n);
    expect(toBaseUnits("0.0000001", 6)).toBe("too_many_decimals");
    expect(toBaseUnits("1e5", 6)).toBe("invalid");
    expect(toBaseUnits("1.000000000000000001", 18)).toBe(1_000_000_000_000_000_001n);
    expect(formatUnits(1_500_000n, 6)).toBe("1.5");
    expect(formatUnits(5n, 18)).toBe("0.000000000000000005");
  });

  it("values base units in cents rounding down, with no floating point", () => {
    expect(toMinorUnits(25_500_000n, 6, "1", 2)).toBe(2550n);
    expect(toMinorUnits(1_999_999n, 6, "1", 2)).toBe(199n);
    // 1.5 ETH at 3000.25 USD = 4500.375 USD → 450037 cents.
    expect(toMinorUnits(1_500_000_000_000_000_000n, 18, "3000.25", 2)).toBe(450_037n);
    // Beyond 2^53 in base units: exact still.
    expect(toMinorUnits(123_456_789_012_345_678_901_234n, 18, "3000", 2)).toBe(37_037_036_703n);
  });

  it("builds EIP-681 URIs for native and token transfers", () => {
    const to = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94";
    expect(paymentUri({ to, chainId: 1, contract: null, amount: 10n ** 18n })).toBe(
      `ethereum:${to}@1?value=1000000000000000000`,
    );
    expect(
      paymentUri({ to, chainId: 8453, contract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", amount: null }),
    ).toBe(`ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=${to}`);
  });
});

describe("crypto addresses: API", () => {
  it("gives a customer one address per network, on a testnet in sandbox, with payment URIs", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const created = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
      customer: cus,
      network: "base",
      asset: "USDC",
      amount: "12.5",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "crypto_address",
      environment: "sandbox",
      customer: cus,
      network: "base",
      chain: { key: "base_sepolia", id: 84532 },
    });
    const { address, derivation_index: index } = created.body;
    expect(address).toBe(deriveDepositAddress(DEV_XPUB, index));
    expect(created.body.assets).toEqual([
      {
        asset: "USDC",
        symbol: "USDC",
        contract: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        decimals: 6,
        amount: "12500000",
        payment_uri: `ethereum:0x036CbD53842c5426634e7929541eC2318f3dCF7e@84532/transfer?address=${address}&uint256=12500000`,
        qr_data: `ethereum:0x036CbD53842c5426634e7929541eC2318f3dCF7e@84532/transfer?address=${address}&uint256=12500000`,
      },
    ]);

    // The same customer and network, another asset: the same address, one more payment target.
    const again = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
      customer: cus,
      network: "base",
      asset: "native",
    });
    expect(again.body.id).toBe(created.body.id);
    expect(again.body.address).toBe(address);
    expect(again.body.assets.map((entry) => entry.asset)).toEqual(["USDC", "native"]);
    expect(again.body.assets[1]?.payment_uri).toBe(`ethereum:${address}@84532`);

    // Another network: another index, never reused.
    const polygon = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
      customer: cus,
      network: "polygon",
      asset: "USDC",
    });
    expect(polygon.body.derivation_index).not.toBe(index);
    expect(polygon.body.chain).toMatchObject({ key: "polygon_amoy", id: 80002 });

    expect((await m.sandbox.request("GET", `/crypto/addresses/${created.body.id}`)).body).toEqual(again.body);
    const listed = await m.sandbox.request<{ data: CryptoAddress[] }>(
      "GET",
      `/crypto/addresses?customer=${cus}`,
    );
    expect(listed.body.data.map((entry) => entry.id)).toEqual([polygon.body.id, created.body.id]);
    const byNetwork = await m.sandbox.request<{ data: CryptoAddress[] }>(
      "GET",
      "/crypto/addresses?network=polygon",
    );
    expect(byNetwork.body.data.map((entry) => entry.id)).toEqual([polygon.body.id]);

    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, type",
      [created.body.id],
    );
    expect(events.map((event) => event.type)).toEqual(["crypto_address.created", "crypto_address.updated"]);
  });

  it("keeps every asset request of requests racing on one address", async () => {
    const m = await createMerchant();
    const customers = await Promise.all(Array.from({ length: 4 }, () => customer(m)));
    const ask = (cus: string, asset: string, amount?: string) =>
      m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
        customer: cus,
        network: "base",
        asset,
        ...(amount ? { amount } : {}),
      });
    await Promise.all(customers.map((cus) => ask(cus, "USDC", "1")));
    const raced = await Promise.all(customers.flatMap((cus) => [ask(cus, "native"), ask(cus, "USDC", "2")]));
    expect(raced.map((answer) => answer.status)).toEqual(raced.map(() => 200));
    for (const cus of customers) {
      const listed = await m.sandbox.request<{ data: CryptoAddress[] }>(
        "GET",
        `/crypto/addresses?customer=${cus}`,
      );
      const assets = listed.body.data[0]?.assets ?? [];
      expect(assets.map((entry) => [entry.asset, entry.amount]).sort()).toEqual([
        ["USDC", "2000000"],
        ["native", null],
      ]);
    }
  });

  it("uses mainnets in production and never hands out one index twice, across merchants and environments", async () => {
    const [a, b] = await Promise.all([createMerchant(), createMerchant()]);
    const customers = await Promise.all([
      customer(a),
      customer(a, a.production),
      customer(b),
      customer(b, b.production),
    ]);
    const clients = [a.sandbox, a.production, b.sandbox, b.production];
    const made = await Promise.all(
      clients.flatMap((client, i) =>
        ["ethereum", "arbitrum"].map((network) =>
          client.request<CryptoAddress>("POST", "/crypto/addresses", {
            customer: customers[i],
            network,
            asset: "USDC",
          }),
        ),
      ),
    );
    expect(made.every((response) => response.status === 200)).toBe(true);
    const indexes = made.map((response) => response.body.derivation_index);
    expect(new Set(indexes).size).toBe(indexes.length);
    expect(made[2]?.body.chain).toMatchObject({ key: "ethereum", id: 1 });
    expect(made[2]?.body.assets[0]?.contract).toBe("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
  });

  it("answers concurrent creations for one customer and network with one address", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
          customer: cus,
          network: "optimism",
          asset: "USDC",
        }),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const rows = await query("select id from crypto_addresses where customer_id = $1", [cus]);
    expect(rows).toHaveLength(1);
  });

  it("replays a retried POST with the same Idempotency-Key", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const body = { customer: cus, network: "linea", asset: "USDC" };
    const headers = { "idempotency-key": `caddr-${cus}` };
    const first = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", body, headers);
    const second = await m.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", body, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
  });

  it("refuses bad input with a code and writes nothing", async () => {
    const m = await createMerchant();
    const cus = await customer(m);
    const post = (body: Record<string, unknown>) => m.sandbox.request("POST", "/crypto/addresses", body);
    expectError(await post({ customer: cus, network: "solana", asset: "USDC" }), 400, "parameter_invalid");
    expectError(
      await post({ customer: cus, network: "base", asset: "USDT" }),
      400,
      "crypto_asset_unsupported",
    );
    expectError(
      await post({ customer: cus, network: "bsc", asset: "USDC" }),
      400,
      "crypto_asset_unsupported",
    );
    expectError(await post({ customer: cus, network: "base", asset: "DAI" }), 400, "parameter_invalid");
    expectError(
      await post({ customer: cus, network: "base", asset: "USDC", amount: "1.0000001" }),
      400,
      "amount_invalid",
    );
    expectError(
      await post({ customer: cus, network: "base", asset: "USDC", amount: "-1" }),
      400,
      "amount_invalid",
    );
    expectError(
      await post({ customer: cus, network: "base", asset: "USDC", amount: "0" }),
      400,
      "amount_invalid",
    );
    expectError(
      await post({ customer: "cus_nope", network: "base", asset: "USDC" }),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("POST", "/crypto/addresses", {
        customer: cus,
        network: "base",
        asset: "USDC",
      }),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("POST", "/crypto/addresses", {
        customer: cus,
        network: "local",
        asset: "USDC",
      }),
      400,
      "crypto_network_unsupported",
    );
    expectError(
      await m.sandbox.request("GET", "/crypto/addresses?address=0x9858effd232b4033e47d90003d41ec34ecaeda9X"),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("GET", "/crypto/addresses?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda95"),
      400,
      "parameter_invalid",
    );
    const rows = await query("select id from crypto_addresses where merchant_id = $1", [m.merchantId]);
    expect(rows).toHaveLength(0);
  });

  it("keeps each merchant's and environment's addresses apart (404)", async () => {
    const [a, b] = await Promise.all([createMerchant(), createMerchant()]);
    const created = await a.sandbox.request<CryptoAddress>("POST", "/crypto/addresses", {
      customer: await customer(a),
      network: "avalanche",
      asset: "USDC",
    });
    expect(created.status).toBe(200);
    expectError(
      await b.sandbox.request("GET", `/crypto/addresses/${created.body.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await a.production.request("GET", `/crypto/addresses/${created.body.id}`),
      404,
      "resource_missing",
    );
    expect((await b.sandbox.request<{ data: unknown[] }>("GET", "/crypto/addresses")).body.data).toEqual([]);
  });

  it("lists the networks of the environment with their catalog and the merchant's tiers", async () => {
    const m = await createMerchant();
    const sandbox = await m.sandbox.request<{ data: Array<Record<string, unknown>> }>(
      "GET",
      "/crypto/networks",
    );
    expect(sandbox.body.data.map((network) => network.network)).toEqual([
      "ethereum",
      "polygon",
      "bsc",
      "arbitrum",
      "optimism",
      "base",
      "avalanche",
      "linea",
      "local",
    ]);
    const production = await m.production.request<{ data: Array<{ chain: { id: number } }> }>(
      "GET",
      "/crypto/networks",
    );
    expect(production.body.data.map((network) => network.chain.id)).toEqual([
      1, 137, 56, 42161, 10, 8453, 43114, 59144,
    ]);

    const set = await m.sandbox.request("POST", "/crypto/networks/local/confirmation_tiers", {
      tiers: [
        { min_amount: 100_000, confirmations: 12 },
        { min_amount: 0, confirmations: 2 },
      ],
    });
    expect(set.status).toBe(200);
    expect(set.body.confirmation_tiers).toEqual([
      { min_amount: 0, confirmations: 2 },
      { min_amount: 100_000, confirmations: 12 },
    ]);
    // The change writes its event (with the new tiers) and its audit row, once per change.
    const changes = await query<{ type: string; tiers: unknown; environment: string }>(
      `select type, environment, data->'confirmation_tiers' as tiers from events
        where merchant_id = $1 and object_id = 'local' order by created_at`,
      [m.merchantId],
    );
    expect(changes).toEqual([
      {
        type: "crypto_network.updated",
        environment: "sandbox",
        tiers: [
          { min_amount: 0, confirmations: 2 },
          { min_amount: 100_000, confirmations: 12 },
        ],
      },
    ]);
    const audits = await query<{ action: string }>(
      "select action from audit_logs where merchant_id = $1 and object_id = 'local'",
      [m.merchantId],
    );
    expect(audits).toEqual([{ action: "crypto_network.updated" }]);
    expectError(
      await m.sandbox.request("POST", "/crypto/networks/local/confirmation_tiers", {
        tiers: [
          { min_amount: 5, confirmations: 2 },
          { min_amount: 5, confirmations: 3 },
        ],
      }),
      400,
      "parameter_invalid",
    );
    const other = await createMerchant();
    const theirs = await other.sandbox.request<{
      data: Array<{ network: string; confirmation_tiers: unknown[] }>;
    }>("GET", "/crypto/networks");
    expect(theirs.body.data.find((network) => network.network === "local")?.confirmation_tiers).toEqual([]);
  });
});
