import { ApiError } from "../../core/errors";
import type { PaymentStatus } from "./tables";

/** Every legal status change; anything else is a 409 payment_state_invalid. */
export const paymentTransitions: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_payment_method: ["requires_confirmation", "canceled"],
  requires_confirmation: [
    "requires_action",
    "processing",
    "requires_capture",
    "succeeded",
    "failed",
    "canceled",
  ],
  requires_action: ["processing", "requires_capture", "succeeded", "failed", "canceled"],
  // From processing with an unknown outcome, the provider's object may say any of these.
  processing: ["requires_action", "requires_capture", "succeeded", "failed"],
  requires_capture: ["succeeded", "canceled"],
  succeeded: [],
  canceled: [],
  failed: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return paymentTransitions[from].includes(to);
}

export function stateError(from: PaymentStatus, action: string): ApiError {
  return new ApiError("payment_state_invalid", {
    message: `A payment with status ${from} cannot be ${action}.`,
    extra: { payment_status: from },
  });
}

export function assertTransition(from: PaymentStatus, to: PaymentStatus, action: string): void {
  if (!canTransition(from, to)) throw stateError(from, action);
}

/** The event each status is announced with. */
export const statusEvents: Readonly<Record<PaymentStatus, string>> = {
  requires_payment_method: "payment.created",
  requires_confirmation: "payment.updated",
  requires_action: "payment.requires_action",
  processing: "payment.processing",
  requires_capture: "payment.requires_capture",
  succeeded: "payment.succeeded",
  canceled: "payment.canceled",
  failed: "payment.failed",
};
