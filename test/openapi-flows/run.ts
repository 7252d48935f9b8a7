import type { ApiResponse, TestMerchant } from "../harness";

/** The flows' request helper: records the answer's problems and returns its body. */
export type Run = <T = Record<string, unknown>>(
  who: "sandbox" | "production" | "dashboard",
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

/** Validates an answer against the operation it matched; the problems found, none when it matches. */
export type Check = (method: string, url: string, response: ApiResponse) => string[];

export interface FlowContext {
  m: TestMerchant;
  problems: string[];
  check: Check;
}
