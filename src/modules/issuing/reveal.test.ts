import { describe, expect, inject, it } from "vitest";
import { CARD_DATA_REVEAL_PATH, readWorkerLog } from "../../../test/card-data";
import { query } from "../../../test/db";
import {
  type ApiResponse,
  call,
  createMerchant,
  expectError,
  type TestMerchant,
} from "../../../test/harness";
import { luhnCheckDigit } from "./providers/catalog";
import { activeLoadedCard, authorize, createCard, type TestCard } from "./testing";

type Details = {
  card: string;
  number: string;
  cvc: string;
  exp_month: number;
  exp_year: number;
};

async function token(m: TestMerchant, card: string, purpose = "reveal"): Promise<string> {
  const res = await m.sandbox.request<{ token: string; expires_at: string; purpose: string }>(
    "POST",
    `/issuing/cards/${card}/reveal-token`,
    { purpose },
  );
  expect(res.status, res.text).toBe(200);
  expect(res.body.purpose).toBe(purpose);
  return res.body.token;
}

/** The cardholder's device: no API credentials, only the token. */
function reveal(value: string, headers: Record<string, string> = {}): Promise<ApiResponse<Details>> {
  return call<Details>("POST", CARD_DATA_REVEAL_PATH, { body: { token: value }, headers });
}

describe("card reveal and PIN", () => {
  it("reveals the number and CVC once to the device; the token is single use", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    const first = await reveal(await token(m, card.id));
    expect(first.status, first.text).toBe(200);
    expect(first.body.card).toBe(card.id);
    expect(first.body.number).toMatch(/^532610\d{10}$/);
    expect(first.body.number.endsWith(card.last4)).toBe(true);
    expect(luhnCheckDigit(first.body.number.slice(0, -1))).toBe(Number(first.body.number.slice(-1)));
    expect(first.body.cvc).toMatch(/^\d{3}$/);
    const value = await token(m, card.id);
    expect((await reveal(value)).body.number).toBe(first.body.number);
    expectError(await reveal(value), 400, "reveal_token_invalid");
    expectError(await reveal("rvl_nonsense"), 400, "reveal_token_invalid");
  });

  it("consumes a token exactly once under concurrent redemptions", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    const value = await token(m, card.id);
    const answers = await Promise.all(Array.from({ length: 8 }, () => reveal(value)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
      expectError(answer, 400, "reveal_token_invalid");
    }
  });

  it("expires a token after 60 seconds on the Worker's clock", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    const late = await token(m, card.id);
    expectError(await reveal(late, { "x-test-clock-offset-seconds": "61" }), 400, "reveal_token_invalid");
    const inTime = await token(m, card.id);
    expect((await reveal(inTime, { "x-test-clock-offset-seconds": "55" })).status).toBe(200);
  });

  it("sets the PIN through a set_pin token, which does not reveal, and refuses canceled cards", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    const pinToken = await token(m, card.id, "set_pin");
    expectError(await reveal(pinToken), 400, "reveal_token_invalid");
    const set = await call("POST", "/api/v1/issuing/card-pin", { body: { token: pinToken, pin: "4821" } });
    expect(set.status, set.text).toBe(200);
    expect(set.text).not.toContain("4821");
    expect(
      (await m.sandbox.request<{ pin_set: boolean }>("GET", `/issuing/cards/${card.id}`)).body.pin_set,
    ).toBe(true);
    expectError(
      await call("POST", "/api/v1/issuing/card-pin", { body: { token: pinToken, pin: "1111" } }),
      400,
      "reveal_token_invalid",
    );
    const badPin = await call("POST", "/api/v1/issuing/card-pin", {
      body: { token: await token(m, card.id, "set_pin"), pin: "12a4" },
    });
    expectError(badPin, 400, "parameter_invalid");
    const [vault] = await query<{ sealed_pin: string }>(
      "select sealed_pin from issuing_sandbox_vault where card_id = $1",
      [card.id],
    );
    expect(vault?.sealed_pin).toMatch(/^v1\./);
    const pending = await token(m, card.id);
    await m.sandbox.request("PATCH", `/issuing/cards/${card.id}`, { status: "canceled" });
    expectError(await reveal(pending), 400, "reveal_token_invalid");
    expectError(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/reveal-token`, {}),
      409,
      "issuing_card_status_invalid",
    );
    const other = await createMerchant();
    expectError(
      await other.sandbox.request("POST", `/issuing/cards/${card.id}/reveal-token`, {}),
      404,
      "resource_missing",
    );
  });

  it("keeps the number and CVC out of every table but the provider's sealed vault, every other response and the logs", async () => {
    const m = await createMerchant();
    const card: TestCard = await activeLoadedCard(m, 5_000);
    const details = await reveal(await token(m, card.id));
    expect(details.status).toBe(200);
    const { number, cvc } = details.body;
    const responses: ApiResponse[] = [];
    responses.push(await m.sandbox.request("GET", `/issuing/cards/${card.id}`));
    responses.push(await m.sandbox.request("GET", "/issuing/cards"));
    responses.push(await authorize(m.sandbox, card.id, 1_000));
    responses.push(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/replace`, { reason: "stolen" }),
    );
    responses.push(await m.sandbox.request("GET", "/events?limit=100"));
    responses.push(await m.sandbox.request("GET", "/transactions"));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(number);
    }

    const tables = await query<{ table_name: string }>(
      `select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'issuing_sandbox_vault'`,
    );
    for (const { table_name } of tables) {
      const [found] = await query<{ count: string }>(
        `select count(*) from "${table_name}" t where t::text like $1 or t::text ~ $2`,
        [`%${number}%`, `"cvc"\\s*:\\s*"?${cvc}`],
      );
      expect(Number(found?.count), table_name).toBe(0);
    }
    const [vault] = await query<{ sealed_card: string }>(
      "select sealed_card from issuing_sandbox_vault where card_id = $1",
      [card.id],
    );
    expect(vault?.sealed_card).toMatch(/^v1\./);
    expect(vault?.sealed_card).not.toContain(number);
    const log = await readWorkerLog(inject("workerLogFile"));
    expect(log).not.toContain(number);
  });
});
