import { createMagnetPay, type ErrorCode, MagnetPayError } from "@magnetpay/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";
import { errorCatalog } from "../../src/core/errors";
import { apiError, fakeFetch } from "./fake-api";

function client(answer: Response) {
  const api = fakeFetch([answer]);
  return createMagnetPay({ credentials: { keyId: "k", secret: "s" }, fetch: api.fetch });
}

describe("sdk error typing", () => {
  it("throws a MagnetPayError with code, type, status, param, request id and the schema's extra fields", async () => {
    const declined = apiError(402, "payment_error", "card_declined", {
      param: "payment_method_data",
      decline_code: "insufficient_funds",
      payment_id: "pay_1",
    });
    const error = await client(declined)
      .payments.create({ amount: 100, currency: "USD" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MagnetPayError);
    if (!(error instanceof MagnetPayError)) return;
    expect(error).toMatchObject({
      name: "MagnetPayError",
      code: "card_declined",
      type: "payment_error",
      status: 402,
      param: "payment_method_data",
      requestId: "req_test",
      message: "card_declined.",
    });
    expect(error.details).toEqual({
      doc_url: "https://x/card_declined",
      decline_code: "insufficient_funds",
      payment_id: "pay_1",
    });
    expectTypeOf(error.details.decline_code).toEqualTypeOf<string | undefined>();
    if (error.code === "card_declined") expectTypeOf(error.code).toEqualTypeOf<"card_declined">();
  });

  it("types codes from the document's enum, which is the server's catalog", () => {
    expectTypeOf<"resource_missing">().toMatchTypeOf<ErrorCode>();
    expectTypeOf<"no_such_code">().not.toMatchTypeOf<ErrorCode>();
    const codes: ErrorCode[] = Object.keys(errorCatalog) as (keyof typeof errorCatalog)[];
    expect(codes.length).toBeGreaterThan(10);
  });

  it("turns an answer without the error body (a proxy's page) into unexpected_response", async () => {
    const error = await client(new Response("<html>Bad request</html>", { status: 400 }))
      .health.retrieve()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "unexpected_response", type: "api_error", status: 400 });
  });
});
