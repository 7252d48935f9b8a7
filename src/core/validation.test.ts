import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { currencyCode, positiveAmount } from "./schemas";
import { validationError } from "./validation";

const body = z
  .object({
    amount: positiveAmount,
    currency: currencyCode,
    nested: z.object({ n: z.number(), kind: z.enum(["a", "b"]) }).optional(),
    mode: z.enum(["x", "y"]).optional(),
  })
  .strict();

function codeOf(input: unknown): { code: string; param: string | undefined } {
  const result = body.safeParse(input);
  if (result.success) throw new Error("expected a failure");
  const error = validationError(result.error, input);
  return { code: error.code, param: error.param };
}

describe("validation errors", () => {
  it("names amount problems amount_invalid", () => {
    for (const amount of [-1, 0, 1.5, "100", Number.MAX_SAFE_INTEGER + 2]) {
      expect(codeOf({ amount, currency: "USD" })).toEqual({ code: "amount_invalid", param: "amount" });
    }
  });

  it("names currency problems currency_invalid", () => {
    expect(codeOf({ amount: 1, currency: "usd" })).toEqual({ code: "currency_invalid", param: "currency" });
    expect(codeOf({ amount: 1, currency: 840 })).toEqual({ code: "currency_invalid", param: "currency" });
  });

  it("tells missing, unknown and nested parameters apart", () => {
    expect(codeOf({ currency: "USD" })).toEqual({ code: "parameter_missing", param: "amount" });
    expect(codeOf({ amount: 1, currency: "USD", extra: true })).toEqual({
      code: "parameter_unknown",
      param: "extra",
    });
    expect(codeOf({ amount: 1, currency: "USD", nested: { n: "x", kind: "a" } })).toEqual({
      code: "parameter_invalid",
      param: "nested.n",
    });
  });

  it("a required enum that is absent is missing; one with a wrong value is invalid", () => {
    expect(codeOf({ amount: 1, currency: "USD", nested: { n: 1 } })).toEqual({
      code: "parameter_missing",
      param: "nested.kind",
    });
    expect(codeOf({ amount: 1, currency: "USD", nested: { n: 1, kind: "c" } })).toEqual({
      code: "parameter_invalid",
      param: "nested.kind",
    });
    expect(codeOf({ amount: 1, currency: "USD", mode: "z" })).toEqual({
      code: "parameter_invalid",
      param: "mode",
    });
  });
});
