import type { PackageRounding, PriceTier, PricingModel, TiersMode } from "./tables";

/** What priceAmount needs of a price: its model and that model's amounts. */
export interface PriceTerms {
  pricingModel: PricingModel;
  unitAmount: number | null;
  packageSize: number | null;
  packageRounding: PackageRounding | null;
  tiersMode: TiersMode | null;
  tiers: PriceTier[] | null;
}

function required<T>(value: T | null, field: string): T {
  if (value === null) throw new Error(`price terms lack ${field}`);
  return value;
}

function packageAmount(terms: PriceTerms, quantity: bigint): bigint {
  const size = BigInt(required(terms.packageSize, "packageSize"));
  const packages = terms.packageRounding === "down" ? quantity / size : (quantity + size - 1n) / size;
  return packages * BigInt(required(terms.unitAmount, "unitAmount"));
}

/** Each tier prices the units that fall into it; a tier's flat amount applies once any unit does. */
function graduatedAmount(tiers: PriceTier[], quantity: bigint): bigint {
  let total = 0n;
  let below = 0n;
  for (const tier of tiers) {
    if (quantity <= below) break;
    const top = tier.upTo === null ? quantity : BigInt(tier.upTo);
    const units = (quantity < top ? quantity : top) - below;
    total += units * BigInt(tier.unitAmount) + BigInt(tier.flatAmount);
    below = top;
  }
  return total;
}

/** The tier the whole quantity reaches (up_to inclusive) prices every unit. */
function volumeAmount(tiers: PriceTier[], quantity: bigint): bigint {
  const tier = tiers.find((candidate) => candidate.upTo === null || quantity <= BigInt(candidate.upTo));
  if (!tier) throw new Error("tiers lack a last, unbounded tier");
  return quantity * BigInt(tier.unitAmount) + BigInt(tier.flatAmount);
}

/**
 * The exact amount, in integer minor units, of `quantity` units under the price's model. Computed
 * in bigint so no product of a large quantity and amount loses precision; a quantity of 0 costs 0
 * under every model (no tier is reached, so no flat amount applies).
 */
export function priceAmount(terms: PriceTerms, quantity: number | bigint): bigint {
  const units = BigInt(quantity);
  if (units < 0n) throw new RangeError("quantity must not be negative");
  if (units === 0n) return 0n;
  switch (terms.pricingModel) {
    case "per_unit":
      return units * BigInt(required(terms.unitAmount, "unitAmount"));
    case "package":
      return packageAmount(terms, units);
    case "tiered": {
      const tiers = required(terms.tiers, "tiers");
      return terms.tiersMode === "volume" ? volumeAmount(tiers, units) : graduatedAmount(tiers, units);
    }
  }
}
