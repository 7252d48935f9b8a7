import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonContent } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { listSandboxEmailsQuery, sandboxEmailSchema } from "./schemas";

export const listSandboxEmailsRoute = createRoute({
  method: "get",
  path: "/sandbox/emails",
  operationId: "sandboxEmails.list",
  tags: ["Sandbox"],
  summary: "List the sandbox outbox",
  description:
    "The emails MagnetPay would have sent to customers in sandbox (invoice reminders), newest first. Production answers 403 sandbox_only.",
  security: authSecurity,
  request: { query: listSandboxEmailsQuery },
  responses: {
    200: jsonContent(listSchema(sandboxEmailSchema, "SandboxEmailList"), "Newest first."),
    403: jsonContent(ErrorSchema, "sandbox_only: production credentials."),
    ...commonErrors,
  },
});
