/**
 * What a sandbox payment will do, chosen when its payment method is created: from the test card
 * number, the UPI VPA or, for local methods and bank transfers, the amount. The sandbox processors
 * (providers/sandbox.ts) act it out.
 */
const sandboxBehaviors = [
  "decline_generic",
  "decline_insufficient_funds",
  "decline_expired_card",
  "decline_incorrect_cvc",
  "processing_error",
  "three_d_secure",
  "first_provider_fails",
  "auto_approve",
  "customer_declines",
] as const;
export type SandboxBehavior = (typeof sandboxBehaviors)[number];

/** The documented test cards (README "Test cards", docs/payments.md). */
export const testCards: Readonly<Record<string, SandboxBehavior>> = {
  "4000000000000002": "decline_generic",
  "4000000000009995": "decline_insufficient_funds",
  "4000000000000069": "decline_expired_card",
  "4000000000000127": "decline_incorrect_cvc",
  "4000000000000119": "processing_error",
  "4000000000003220": "three_d_secure",
  "4000000000000341": "first_provider_fails",
};

/** Local methods and bank transfers: the amount's last four digits pick the outcome. */
export function behaviorForAmount(amount: number): SandboxBehavior | null {
  const tail = amount % 10_000;
  if (tail === 2) return "decline_generic";
  if (tail === 119) return "processing_error";
  if (tail === 341) return "first_provider_fails";
  return null;
}

/** UPI collect: success@upi approves at once, failure@upi declines, any other VPA waits for approval. */
export function behaviorForVpa(vpa: string): SandboxBehavior | null {
  const lower = vpa.toLowerCase();
  if (lower === "success@upi") return "auto_approve";
  if (lower === "failure@upi") return "customer_declines";
  return null;
}
