import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { lockAccountState, readAccountState, requirementsChange } from "./account";
import { ownBusiness, updateBusiness } from "./business";
import { toBusiness } from "./objects";
import { registrationNumberValid, registryFor } from "./registry";
import { businessOutcome, MAX_BUSINESS_ATTEMPTS, missingForSubmission, resubmissionRefusal } from "./rules";
import type { BusinessVerification, ResubmitBusinessInput } from "./schemas";
import type { BusinessVerificationRow } from "./tables";

/** The row's columns for the corrections sent, and their previous values as the API shows them. */
function corrected(before: BusinessVerificationRow, input: ResubmitBusinessInput) {
  const values: Partial<BusinessVerificationRow> = {};
  if (input.legal_name !== undefined) values.legalName = input.legal_name;
  if (input.registration_number !== undefined) {
    values.registrationNumber = input.registration_number.toUpperCase();
  }
  if (input.incorporation_date !== undefined) values.incorporationDate = input.incorporation_date;
  if (input.website !== undefined) values.website = input.website;
  if (input.mcc !== undefined) values.mcc = input.mcc;
  if (input.registered_address !== undefined) {
    const address = input.registered_address;
    values.registeredAddress = {
      line1: address.line1 ?? null,
      line2: address.line2 ?? null,
      city: address.city ?? null,
      state: address.state ?? null,
      postal_code: address.postal_code ?? null,
      country: address.country ?? null,
    };
  }
  const shown = toBusiness(before);
  const previous: Record<string, unknown> = {};
  for (const field of Object.keys(input) as Array<keyof ResubmitBusinessInput>) {
    previous[field] = shown[field];
  }
  return { values, previous };
}

/**
 * Resubmits a declined business with its corrections: the same checks as a first submission (the
 * registry check runs again, with nothing open), then, under the business row's lock, the new check,
 * the status it leads to with the people's current statuses, and the attempt. An operator's earlier
 * review belonged to the declined attempt and is cleared.
 */
export async function resubmitBusinessVerification({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: ResubmitBusinessInput;
}): Promise<BusinessVerification> {
  const read = await readAccountState(ctx);
  const candidate = ownBusiness(read, id);
  if (candidate.status !== "declined") {
    throw new ApiError("verification_state_invalid", {
      message: `Only a declined business verification can be resubmitted; this one is ${candidate.status}.`,
    });
  }
  const refusal = resubmissionRefusal(read);
  if (refusal === "attempts_exhausted") {
    throw new ApiError("verification_attempts_exhausted", {
      message: `This business verification has used its ${MAX_BUSINESS_ATTEMPTS} attempts.`,
    });
  }
  if (refusal === "person_declined") {
    throw new ApiError("verification_state_invalid", {
      message: "A required person's identity check was declined; correcting the business cannot change that.",
    });
  }
  const { values, previous } = corrected(candidate, input);
  const next = { ...candidate, ...values };
  if (!registrationNumberValid(next.country, next.registrationNumber)) {
    throw new ApiError("registration_number_invalid", { param: "registration_number" });
  }
  const [missing] = missingForSubmission({ ...read, business: next });
  if (missing) throw new ApiError("verification_incomplete", { param: missing[0], message: missing[1] });
  const now = ctx.services.clock.now();
  const registryCheck = await registryFor(ctx.services.config, ctx.environment).check(
    { country: next.country, registrationNumber: next.registrationNumber, legalName: next.legalName },
    now,
  );
  return ctx.services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    const business = ownBusiness(before, id);
    if (business.status !== "declined" || business.attempts !== candidate.attempts) {
      throw new ApiError("verification_state_invalid", {
        message: "The business was resubmitted meanwhile.",
      });
    }
    const checked: BusinessVerificationRow = { ...business, ...values, registryCheck, review: null };
    const outcome = businessOutcome({ ...before, business: checked });
    const row = await updateBusiness(
      {
        ctx,
        before: business,
        values: {
          ...values,
          registryCheck,
          review: null,
          status: outcome.status,
          reasons: outcome.reasons,
          attempts: business.attempts + 1,
          submittedAt: now,
        },
        corrected: previous,
      },
      tx,
    );
    const requirements = requirementsChange(ctx, before, { ...before, business: row });
    if (requirements) await tx.execute(requirements);
    return toBusiness(row);
  });
}
