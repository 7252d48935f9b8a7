import { call } from "../harness";
import { approvedCustomer } from "../verifications";
import type { FlowContext, Run } from "./run";

/** Issuing: cardholder, cards, authorizations, and the cardholder device tokens. */
export async function issuingFlows(run: Run, { m, problems, check }: FlowContext): Promise<void> {
  // Issuing: a card on a cardholder, authorized, captured in part, the rest reversed.
  const cardholder = await run<{ id: string }>("sandbox", "POST", "/issuing/cardholders", {
    type: "individual",
    customer: await approvedCustomer(m.sandbox),
    name: "Ada Lovelace",
    email: "ada@example.com",
    billing: { address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" } },
  });
  const issued = await run<{ id: string }>("sandbox", "POST", "/issuing/cards", {
    cardholder: cardholder.id,
    type: "virtual",
    currency: "EUR",
    status: "active",
  });
  await run("sandbox", "POST", `/issuing/cards/${issued.id}/load`, { amount: 5_000 });
  const authorization = await run<{ id: string }>("sandbox", "POST", "/issuing/authorizations", {
    card: issued.id,
    amount: 1_000,
    currency: "EUR",
    channel: "online",
    merchant_data: { name: "Book Shop", category_code: "5942", country: "DE" },
  });
  await run("sandbox", "POST", `/sandbox/issuing/authorizations/${authorization.id}/increment`, {
    amount: 100,
  });
  const captured = await run<{ id: string }>(
    "sandbox",
    "POST",
    `/sandbox/issuing/authorizations/${authorization.id}/capture`,
    { amount: 600 },
  );
  await run("sandbox", "POST", `/sandbox/issuing/transactions/${captured.id}/refund`, { amount: 100 });
  const dispute = await run<{ id: string }>("sandbox", "POST", "/issuing/disputes", {
    transaction: captured.id,
    reason: "not_received",
    amount: 200,
  });
  await run("sandbox", "PATCH", `/issuing/disputes/${dispute.id}`, {
    evidence: { explanation: "Never came." },
  });
  await run("sandbox", "POST", `/issuing/disputes/${dispute.id}/submit`);
  await run("sandbox", "POST", `/sandbox/issuing/disputes/${dispute.id}/resolve`, { outcome: "won" });
  await run("sandbox", "GET", `/issuing/disputes/${dispute.id}`);
  await run("sandbox", "GET", "/issuing/disputes?status=won");
  const reversible = await run<{ id: string }>("sandbox", "POST", "/issuing/authorizations", {
    card: issued.id,
    amount: 300,
    currency: "EUR",
    channel: "online",
    merchant_data: { name: "Book Shop", category_code: "5942", country: "DE" },
  });
  await run("sandbox", "POST", `/sandbox/issuing/authorizations/${reversible.id}/reverse`, {});
  await run("sandbox", "POST", "/sandbox/issuing/transactions/force-capture", {
    card: issued.id,
    amount: 200,
    currency: "EUR",
    merchant_data: { name: "Hotel", category_code: "7011", country: "FR" },
  });
  // The cardholder's device: the card's details once, then a PIN, each with its own token.
  const revealToken = await run<{ token: string }>(
    "sandbox",
    "POST",
    `/issuing/cards/${issued.id}/reveal-token`,
    {
      purpose: "reveal",
    },
  );
  const details = await call("POST", "/api/v1/issuing/card-details", {
    body: { token: revealToken.token },
  });
  problems.push(...check("POST", "/api/v1/issuing/card-details", details));
  const pinToken = await run<{ token: string }>(
    "sandbox",
    "POST",
    `/issuing/cards/${issued.id}/reveal-token`,
    {
      purpose: "set_pin",
    },
  );
  const pin = await call("POST", "/api/v1/issuing/card-pin", {
    body: { token: pinToken.token, pin: "4821" },
  });
  problems.push(...check("POST", "/api/v1/issuing/card-pin", pin));
  const physical = await run<{ id: string }>("sandbox", "POST", "/issuing/cards", {
    cardholder: cardholder.id,
    type: "physical",
    currency: "EUR",
    shipping: {
      name: "Ada Lovelace",
      address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" },
      service: "express",
    },
  });
  await run("sandbox", "POST", `/sandbox/issuing/cards/${physical.id}/shipping`, { status: "submitted" });
}
