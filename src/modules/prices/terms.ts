import { ApiError } from "../../core/errors";
import type { CreatePriceInput, Price } from "./schemas";
import type { PriceRow, PriceTier, RecurringInterval } from "./tables";

/** Three years, the longest billing interval, in each unit. */
const maxIntervalCount: Record<RecurringInterval, number> = { day: 1095, week: 156, month: 36, year: 3 };

type Terms = Pick<
  PriceRow,
  | "recurringInterval"
  | "recurringIntervalCount"
  | "pricingModel"
  | "unitAmount"
  | "packageSize"
  | "packageRounding"
  | "tiersMode"
  | "tiers"
  | "meterId"
>;

function invalid(param: string, message: string): ApiError {
  return new ApiError("parameter_invalid", { param, message });
}

function refuseFields(
  input: CreatePriceInput,
  fields: Array<"unit_amount" | "package" | "tiers_mode" | "tiers">,
  model: string,
) {
  for (const field of fields) {
    if (input[field] !== undefined)
      throw new ApiError("parameter_unknown", {
        param: field,
        message: `${field} does not apply to pricing_model ${model}.`,
      });
  }
}

function requireField<T>(value: T | undefined, param: string, model: string): T {
  if (value === undefined)
    throw new ApiError("parameter_missing", { param, message: `pricing_model ${model} needs ${param}.` });
  return value;
}

/** Tiers with strictly increasing bounds, "inf" exactly on the last, and some amount in each. */
function validTiers(tiers: NonNullable<CreatePriceInput["tiers"]>): PriceTier[] {
  let previous = 0;
  return tiers.map((tier, index) => {
    const last = index === tiers.length - 1;
    const param = `tiers[${index}]`;
    if (tier.unit_amount === undefined && tier.flat_amount === undefined) {
      throw new ApiError("parameter_missing", {
        param: `${param}.unit_amount`,
        message: "A tier needs unit_amount, flat_amount or both.",
      });
    }
    if (last !== (tier.up_to === "inf")) {
      throw invalid(`${param}.up_to`, 'The last tier, and only the last, has up_to "inf".');
    }
    if (tier.up_to !== "inf") {
      if (tier.up_to <= previous) throw invalid(`${param}.up_to`, "up_to must increase from tier to tier.");
      previous = tier.up_to;
    }
    return {
      upTo: tier.up_to === "inf" ? null : tier.up_to,
      unitAmount: tier.unit_amount ?? 0,
      flatAmount: tier.flat_amount ?? 0,
    };
  });
}

function modelTerms(
  input: CreatePriceInput,
): Omit<Terms, "recurringInterval" | "recurringIntervalCount" | "meterId"> {
  const model = input.pricing_model ?? "per_unit";
  const none = { unitAmount: null, packageSize: null, packageRounding: null, tiersMode: null, tiers: null };
  switch (model) {
    case "per_unit":
      refuseFields(input, ["package", "tiers_mode", "tiers"], model);
      return {
        ...none,
        pricingModel: model,
        unitAmount: requireField(input.unit_amount, "unit_amount", model),
      };
    case "package": {
      refuseFields(input, ["tiers_mode", "tiers"], model);
      const pack = requireField(input.package, "package", model);
      return {
        ...none,
        pricingModel: model,
        unitAmount: requireField(input.unit_amount, "unit_amount", model),
        packageSize: pack.size,
        packageRounding: pack.round,
      };
    }
    case "tiered":
      refuseFields(input, ["unit_amount", "package"], model);
      return {
        ...none,
        pricingModel: model,
        tiersMode: requireField(input.tiers_mode, "tiers_mode", model),
        tiers: validTiers(requireField(input.tiers, "tiers", model)),
      };
  }
}

/** The amount columns of a new price, from its validated terms; an inconsistent request is a 400 naming the field. */
export function priceTerms(input: CreatePriceInput): Terms {
  const recurring = input.recurring ?? null;
  if (recurring) {
    const count = recurring.interval_count ?? 1;
    if (count > maxIntervalCount[recurring.interval]) {
      throw invalid(
        "recurring.interval_count",
        `At most ${maxIntervalCount[recurring.interval]} ${recurring.interval}s (three years).`,
      );
    }
  }
  if (input.meter !== undefined && !recurring) {
    throw invalid("meter", "A metered price is recurring: usage is charged per period.");
  }
  return {
    meterId: input.meter ?? null,
    recurringInterval: recurring?.interval ?? null,
    recurringIntervalCount: recurring ? (recurring.interval_count ?? 1) : null,
    ...modelTerms(input),
  };
}

export function toPrice(row: PriceRow): Price {
  return {
    id: row.id,
    object: "price",
    environment: row.environment,
    product: row.productId,
    active: row.active,
    currency: row.currency,
    type: row.recurringInterval ? "recurring" : "one_time",
    recurring: row.recurringInterval
      ? { interval: row.recurringInterval, interval_count: row.recurringIntervalCount ?? 1 }
      : null,
    usage_type: row.meterId ? "metered" : "licensed",
    meter: row.meterId,
    pricing_model: row.pricingModel,
    unit_amount: row.unitAmount,
    package:
      row.packageSize !== null && row.packageRounding !== null
        ? { size: row.packageSize, round: row.packageRounding }
        : null,
    tiers_mode: row.tiersMode,
    tiers:
      row.tiers?.map((tier) => ({
        up_to: tier.upTo ?? ("inf" as const),
        unit_amount: tier.unitAmount,
        flat_amount: tier.flatAmount,
      })) ?? null,
    nickname: row.nickname,
    lookup_key: row.lookupKey,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
