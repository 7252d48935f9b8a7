import type { z } from "@hono/zod-openapi";
import { ApiError, type ErrorCode } from "./errors";

type Issue = z.core.$ZodIssue;

/** Fields whose problems deserve their own code rather than parameter_invalid. */
const fieldCodes: Array<[RegExp, ErrorCode]> = [
  [/(^|_)amount$/, "amount_invalid"],
  [/(^|_)currency$/, "currency_invalid"],
  [/^metadata$/, "metadata_invalid"],
];

function issueParam(issue: Issue): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
  return path.reduce(
    (out, part, index) => (index === 0 ? part : /^\d+$/.test(part) ? `${out}[${part}]` : `${out}.${part}`),
    "",
  );
}

/** Whether the value at `path` of the validated input is absent (its parent present and an object). */
function absentIn(input: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return false;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

function issueCode(issue: Issue, param: string, input: unknown): ErrorCode {
  if (issue.code === "custom" && typeof issue.params?.code === "string")
    return issue.params.code as ErrorCode;
  if (issue.code === "unrecognized_keys") return "parameter_unknown";
  // zod 4 leaves `input` out of issues: the message says a value was absent for a type check, the
  // validated input for the rest (a required enum or literal reports invalid_value).
  const missing =
    issue.code === "invalid_type"
      ? /received undefined$/.test(issue.message)
      : input !== undefined && issue.code === "invalid_value" && absentIn(input, issue.path);
  if (missing && param !== "") return "parameter_missing";
  const field = String(issue.path[0] ?? "");
  for (const [pattern, code] of fieldCodes) if (pattern.test(field) || pattern.test(param)) return code;
  return "parameter_invalid";
}

function issueMessage(issue: Issue, param: string, code: ErrorCode): string {
  if (param === "" && issue.code === "invalid_type") return "The request body must be a JSON object.";
  if (code === "parameter_missing") return `Missing required parameter: ${param}.`;
  if (code === "parameter_unknown") return `Received unknown parameter: ${param}.`;
  return param ? `Invalid ${param}: ${issue.message}` : issue.message;
}

/** Turns the first zod issue into the API's error shape, naming the parameter; `input` is what was validated. */
export function validationError(error: z.ZodError, input?: unknown): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError("parameter_invalid");
  const param = issueParam(issue);
  const code = issueCode(issue, param, input);
  return new ApiError(code, { message: issueMessage(issue, param, code), ...(param ? { param } : {}) });
}

/** The input a failed validation saw: @hono/zod-validator passes it to the hook as `data`, untyped. */
export function validatedInput(result: object): unknown {
  return "data" in result ? result.data : undefined;
}
