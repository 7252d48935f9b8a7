/**
 * The providers module's door: other modules import providers only from here. The verbs live in
 * files named by what happens: connections.ts (connect, configure, disconnect a processor),
 * rules.ts (routing rules), build.ts (the providers and routing inputs of one payment).
 */
export {
  loadRoutingSetup,
  providerForPayment,
  providerFrom,
  providerReads,
  type RoutingSetup,
  routingReads,
  routingSetupFrom,
} from "./build";
export {
  createConnection,
  deleteConnection,
  listConnections,
  retrieveConnection,
  stripeConnectionForWebhook,
  updateConnection,
} from "./connections";
export { estimateFee } from "./fees";
export { recordProviderCalls } from "./health";
export { routePayment, splitBucket } from "./routing";
export {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  retrieveRoutingRule,
  updateRoutingRule,
} from "./rules";
