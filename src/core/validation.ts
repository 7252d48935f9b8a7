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

function issueCode(issue: Issue, param: string): ErrorCode {
  if (issue.code === "custom" && typeof issue.params?.code === "string")
    return issue.params.code as ErrorCode;
  if (issue.code === "unrecognized_keys") return "parameter_unknown";
  // zod 4 leaves `input` out of issues; its message is the only sign the value was absent.
  if (issue.code === "invalid_type" && param !== "" && /received undefined$/.test(issue.message)) {
    return "parameter_missing";
  }
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

/** Turns the first zod issue into the API's error shape, naming the parameter. */
export function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError("parameter_invalid");
  const param = issueParam(issue);
  const code = issueCode(issue, param);
  return new ApiError(code, { message: issueMessage(issue, param, code), ...(param ? { param } : {}) });
}
