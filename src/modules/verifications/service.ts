/** What other modules may use of verifications: the policy's checks (payments, payouts, cards). */
export { pollUndecidedVerifications } from "./decisions";
export {
  assertCanIssueCards,
  assertCanPayOut,
  assertCardholderVerified,
  decidePolicy,
  enforcePolicy,
  type PolicyCheck,
  policyFacts,
  policyQuery,
} from "./policy";
