import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { constantTimeEqual, sha256Hex } from "./crypto";

export const OPERATOR_TOKEN_HEADER = "x-operator-token";

/**
 * Guards /api/v1/operator/*: the platform's own staff, not merchants. Merchant keys and sessions are
 * not looked at, so they never pass; only X-Operator-Token equal to OPERATOR_TOKEN does. Both sides
 * are hashed first so the comparison's time depends on neither the token's length nor its content.
 */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const sent = c.req.header(OPERATOR_TOKEN_HEADER);
  if (!sent) {
    throw new ApiError("authentication_required", {
      message: "Operator routes take the platform's operator token in X-Operator-Token.",
    });
  }
  const expected = c.get("services").config.OPERATOR_TOKEN;
  const matches = constantTimeEqual(await sha256Hex(sent), await sha256Hex(expected ?? ""));
  if (!expected || !matches) throw new ApiError("credentials_invalid");
  await next();
};
