import { createRoute } from "@hono/zod-openapi";
import {
  authSecurity,
  commonErrors,
  ErrorSchema,
  jsonBody,
  jsonContent,
  publicRoute,
  writeErrors,
} from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  cardFundsBody,
  cardholderIdParams,
  cardholderSchema,
  cardIdParams,
  cardSchema,
  createCardBody,
  createCardholderBody,
  listCardholdersQuery,
  listCardsQuery,
  pinSetSchema,
  replaceCardBody,
  revealBody,
  revealedCardSchema,
  revealTokenBody,
  revealTokenSchema,
  setPinBody,
  shippingStatusBody,
  updateCardBody,
  updateCardholderBody,
} from "./schemas";

const tags = ["Issuing"];
const sandboxTags = ["Sandbox"];
const forbidden = {
  403: jsonContent(ErrorSchema, "sandbox_only: production credentials; or a cardholder refused."),
};
const declined = { 402: jsonContent(ErrorSchema, "insufficient_funds: the paying balance can't cover it.") };

export const createCardholderRoute = createRoute({
  method: "post",
  path: "/issuing/cardholders",
  operationId: "issuingCardholders.create",
  tags,
  summary: "Create a cardholder",
  security: authSecurity,
  request: { body: jsonBody(createCardholderBody) },
  responses: { 200: jsonContent(cardholderSchema, "The new cardholder."), ...writeErrors },
});

export const listCardholdersRoute = createRoute({
  method: "get",
  path: "/issuing/cardholders",
  operationId: "issuingCardholders.list",
  tags,
  summary: "List cardholders",
  security: authSecurity,
  request: { query: listCardholdersQuery },
  responses: {
    200: jsonContent(listSchema(cardholderSchema, "IssuingCardholderList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveCardholderRoute = createRoute({
  method: "get",
  path: "/issuing/cardholders/{id}",
  operationId: "issuingCardholders.retrieve",
  tags,
  summary: "Retrieve a cardholder",
  security: authSecurity,
  request: { params: cardholderIdParams },
  responses: { 200: jsonContent(cardholderSchema, "The cardholder."), ...commonErrors },
});

export const updateCardholderRoute = createRoute({
  method: "patch",
  path: "/issuing/cardholders/{id}",
  operationId: "issuingCardholders.update",
  tags,
  summary: "Update a cardholder",
  description: "Fields left out stay as they are. Spending controls sent are merged over the current ones.",
  security: authSecurity,
  request: { params: cardholderIdParams, body: jsonBody(updateCardholderBody) },
  responses: { 200: jsonContent(cardholderSchema, "The updated cardholder."), ...writeErrors },
});

export const createCardRoute = createRoute({
  method: "post",
  path: "/issuing/cards",
  operationId: "issuingCards.create",
  tags,
  summary: "Issue a card",
  description:
    "Issues a virtual or physical card at the issuing provider chosen by currency, the cardholder's country and the card fee (`provider_decision` says why). The number and CVC stay at the provider.",
  security: authSecurity,
  request: { body: jsonBody(createCardBody) },
  responses: { 200: jsonContent(cardSchema, "The new card."), ...writeErrors },
});

export const listCardsRoute = createRoute({
  method: "get",
  path: "/issuing/cards",
  operationId: "issuingCards.list",
  tags,
  summary: "List cards",
  security: authSecurity,
  request: { query: listCardsQuery },
  responses: {
    200: jsonContent(listSchema(cardSchema, "IssuingCardList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveCardRoute = createRoute({
  method: "get",
  path: "/issuing/cards/{id}",
  operationId: "issuingCards.retrieve",
  tags,
  summary: "Retrieve a card",
  security: authSecurity,
  request: { params: cardIdParams },
  responses: { 200: jsonContent(cardSchema, "The card (never its number or CVC)."), ...commonErrors },
});

export const updateCardRoute = createRoute({
  method: "patch",
  path: "/issuing/cards/{id}",
  operationId: "issuingCards.update",
  tags,
  summary: "Update a card: activate, freeze, unfreeze, cancel, controls",
  description:
    "Status moves inactive → active ↔ frozen → canceled (409 issuing_card_status_invalid otherwise). Canceling returns the card's balance to the merchant's available balance.",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(updateCardBody) },
  responses: { 200: jsonContent(cardSchema, "The updated card."), ...writeErrors, ...declined },
});

export const replaceCardRoute = createRoute({
  method: "post",
  path: "/issuing/cards/{id}/replace",
  operationId: "issuingCards.replace",
  tags,
  summary: "Replace a lost, stolen, expired or damaged card",
  description:
    "A new inactive card with the same controls, provider and funding; the balance moves to it. Lost, stolen and expired cards are canceled at once, damaged ones when the replacement is activated.",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(replaceCardBody) },
  responses: { 200: jsonContent(cardSchema, "The replacement card."), ...writeErrors, ...declined },
});

export const loadCardRoute = createRoute({
  method: "post",
  path: "/issuing/cards/{id}/load",
  operationId: "issuingCards.load",
  tags,
  summary: "Load a card from the merchant balance",
  description:
    "Moves the amount from the merchant's available balance to the card's own ledger account, instantly.",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(cardFundsBody) },
  responses: { 200: jsonContent(cardSchema, "The card with its new balance."), ...writeErrors, ...declined },
});

export const unloadCardRoute = createRoute({
  method: "post",
  path: "/issuing/cards/{id}/unload",
  operationId: "issuingCards.unload",
  tags,
  summary: "Unload a card back to the merchant balance",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(cardFundsBody) },
  responses: { 200: jsonContent(cardSchema, "The card with its new balance."), ...writeErrors, ...declined },
});

export const createRevealTokenRoute = createRoute({
  method: "post",
  path: "/issuing/cards/{id}/reveal-token",
  operationId: "issuingCards.createRevealToken",
  tags,
  summary: "Get a one-time token for the cardholder's device",
  description:
    "Valid 60 seconds, once. The device redeems it at POST /api/v1/issuing/card-details (purpose reveal) or POST /api/v1/issuing/card-pin (purpose set_pin), without API credentials.",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(revealTokenBody) },
  responses: { 200: jsonContent(revealTokenSchema, "The token."), ...writeErrors },
});

const publicErrors = {
  400: writeErrors[400],
  413: writeErrors[413],
  415: writeErrors[415],
  429: writeErrors[429],
  500: writeErrors[500],
};

export const revealCardRoute = createRoute({
  method: "post",
  path: "/issuing/card-details",
  operationId: "issuingCards.reveal",
  tags,
  summary: "Reveal a card's number and CVC (cardholder device)",
  description: "Redeems a reveal token. The only response of the API that carries a card number and CVC.",
  security: publicRoute,
  request: { body: jsonBody(revealBody) },
  responses: { 200: jsonContent(revealedCardSchema, "The card's details."), ...publicErrors },
});

export const setPinRoute = createRoute({
  method: "post",
  path: "/issuing/card-pin",
  operationId: "issuingCards.setPin",
  tags,
  summary: "Set a card's PIN (cardholder device)",
  description: "Redeems a set_pin token. The PIN goes sealed to the issuing provider and is never returned.",
  security: publicRoute,
  request: { body: jsonBody(setPinBody) },
  responses: { 200: jsonContent(pinSetSchema, "The PIN is set."), ...publicErrors },
});

export const simulateShippingRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/cards/{id}/shipping",
  operationId: "sandbox.advanceIssuingCardShipping",
  tags: sandboxTags,
  summary: "Sandbox: move a physical card's shipment on",
  security: authSecurity,
  request: { params: cardIdParams, body: jsonBody(shippingStatusBody) },
  responses: { 200: jsonContent(cardSchema, "The card."), ...writeErrors, ...forbidden },
});
