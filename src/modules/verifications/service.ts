/** What other modules and background functions may use of verifications: the policy's checks and the poller. */
export { notifyPastDueRequirements } from "./deadline";
export { pollUndecidedVerifications } from "./decisions";
export {
  assertCanIssueCards,
  assertCanPayOut,
  assertCardholderVerified,
  assertPaymentVolumeAllowed,
  decidePolicy,
  type PolicyCheck,
  paymentVolumeGate,
  paymentVolumeRefusal,
  policyFacts,
  policyQuery,
} from "./policy";
