import { z } from "@hono/zod-openapi";
import { currencyCode, positiveAmount } from "../../core/schemas";
import type { LimitInterval, SpendingControlsColumn } from "./tables";

/**
 * Merchant category groups: each a set of MCC ranges (ISO 18245). An MCC outside every range is
 * `other`. Controls name groups, not single codes, as Stripe's categories do.
 */
const categoryRanges: ReadonlyArray<readonly [string, ReadonlyArray<readonly [number, number]>]> = [
  [
    "airlines",
    [
      [3000, 3350],
      [4511, 4511],
    ],
  ],
  [
    "car_rental",
    [
      [3351, 3500],
      [7512, 7512],
    ],
  ],
  [
    "lodging",
    [
      [3501, 3999],
      [7011, 7011],
    ],
  ],
  [
    "transportation",
    [
      [4000, 4499],
      [4784, 4789],
    ],
  ],
  ["telecommunication", [[4812, 4816]]],
  ["utilities", [[4900, 4900]]],
  [
    "grocery_stores",
    [
      [5411, 5411],
      [5422, 5499],
    ],
  ],
  [
    "gas_stations",
    [
      [5541, 5542],
      [5983, 5983],
    ],
  ],
  ["restaurants", [[5812, 5814]]],
  ["digital_goods", [[5815, 5818]]],
  [
    "retail",
    [
      [5200, 5410],
      [5412, 5421],
      [5500, 5540],
      [5543, 5811],
      [5819, 5982],
      [5984, 5999],
    ],
  ],
  ["atm_cash", [[6010, 6011]]],
  ["financial_services", [[6012, 6540]]],
  [
    "gambling",
    [
      [7800, 7802],
      [7995, 7995],
    ],
  ],
  [
    "professional_services",
    [
      [7000, 7010],
      [7012, 7511],
      [7513, 7799],
      [7803, 7994],
      [7996, 8999],
    ],
  ],
  ["government_services", [[9000, 9999]]],
];

export const merchantCategories: [string, ...string[]] = ["other", ...categoryRanges.map(([name]) => name)];

export function categoryOf(mcc: string): string {
  const code = Number(mcc);
  for (const [name, ranges] of categoryRanges) {
    if (ranges.some(([low, high]) => code >= low && code <= high)) return name;
  }
  return "other";
}

export const limitIntervals = [
  "per_authorization",
  "daily",
  "weekly",
  "monthly",
  "yearly",
  "all_time",
] as const satisfies readonly LimitInterval[];

const invalidControls = { code: "spending_controls_invalid" };

export const spendingControlsInput = z
  .object({
    spending_limits: z
      .array(
        z
          .object({ amount: positiveAmount, interval: z.enum(limitIntervals) })
          .strict()
          .openapi("SpendingLimit"),
      )
      .max(limitIntervals.length)
      .optional(),
    spending_limits_currency: currencyCode.optional().openapi({
      description:
        "Cardholder controls only: the currency of the limits (they count the cardholder's authorizations in it). A card's limits are in the card's currency.",
    }),
    allowed_categories: z.array(z.enum(merchantCategories)).max(merchantCategories.length).optional(),
    blocked_categories: z.array(z.enum(merchantCategories)).max(merchantCategories.length).optional(),
    allowed_countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, "Use upper-case ISO 3166-1 alpha-2 country codes."))
      .max(250)
      .optional(),
    online: z.boolean().optional().openapi({ description: "Card-not-present authorizations; default true." }),
    atm: z.boolean().optional().openapi({ description: "ATM withdrawals; default true." }),
    contactless: z.boolean().optional().openapi({ description: "Contactless payments; default true." }),
  })
  .strict()
  .superRefine((value, context) => {
    if ((value.allowed_categories?.length ?? 0) > 0 && (value.blocked_categories?.length ?? 0) > 0) {
      context.addIssue({
        code: "custom",
        path: ["blocked_categories"],
        message: "Set allowed_categories or blocked_categories, not both.",
        params: invalidControls,
      });
    }
    const intervals = (value.spending_limits ?? []).map((limit) => limit.interval);
    if (new Set(intervals).size !== intervals.length) {
      context.addIssue({
        code: "custom",
        path: ["spending_limits"],
        message: "Each interval may appear once.",
        params: invalidControls,
      });
    }
  })
  .openapi("SpendingControlsInput");

export type SpendingControlsInput = z.infer<typeof spendingControlsInput>;

export const spendingControlsSchema = z
  .object({
    spending_limits: z.array(z.object({ amount: z.number().int(), interval: z.enum(limitIntervals) })),
    spending_limits_currency: z.string().nullable(),
    allowed_categories: z.array(z.string()),
    blocked_categories: z.array(z.string()),
    allowed_countries: z.array(z.string()),
    online: z.boolean(),
    atm: z.boolean(),
    contactless: z.boolean(),
  })
  .openapi("SpendingControls");

/** The stored controls: what was sent over what was there (or the defaults: no limits, all allowed). */
export function controlsColumn(
  input: SpendingControlsInput | undefined,
  currency: string | null,
  previous?: SpendingControlsColumn,
): SpendingControlsColumn {
  const base: SpendingControlsColumn = previous ?? {
    spending_limits: [],
    spending_limits_currency: null,
    allowed_categories: [],
    blocked_categories: [],
    allowed_countries: [],
    online: true,
    atm: true,
    contactless: true,
  };
  const next: SpendingControlsColumn = {
    spending_limits: input?.spending_limits ?? base.spending_limits,
    spending_limits_currency: currency ?? base.spending_limits_currency,
    allowed_categories: input?.allowed_categories ?? base.allowed_categories,
    blocked_categories: input?.blocked_categories ?? base.blocked_categories,
    allowed_countries: input?.allowed_countries ?? base.allowed_countries,
    online: input?.online ?? base.online,
    atm: input?.atm ?? base.atm,
    contactless: input?.contactless ?? base.contactless,
  };
  // Sent allowed categories replace blocked ones set earlier (and the other way round): never both.
  if (input?.allowed_categories?.length) next.blocked_categories = [];
  if (input?.blocked_categories?.length) next.allowed_categories = [];
  return next;
}
