import { Hono } from "hono";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { applyVeriffDecision } from "./decisions";
import { signedDocumentFile } from "./documents";
import { parseDecision, type VeriffIntegration, veriffIntegration, verifyVeriffSignature } from "./veriff";

/** The integration whose shared secret signed the body: the sender's X-AUTH-CLIENT names it. */
async function signingIntegration(
  integrations: VeriffIntegration[],
  client: string | undefined,
  body: string,
  signature: string | undefined,
): Promise<VeriffIntegration | undefined> {
  if (!signature) return undefined;
  for (const integration of integrations) {
    if (client !== undefined && client !== integration.apiKey) continue;
    if (await verifyVeriffSignature(integration.sharedSecret, body, signature)) return integration;
  }
  return undefined;
}

/**
 * Public routes of the verifications area: Veriff's decision webhook (X-HMAC-SIGNATURE checked on
 * the raw body before it is parsed) and the files behind signed document URLs.
 */
export const verificationWebhooksRouter = new Hono<AppEnv>()
  .post("/webhooks/veriff", async (c) => {
    const services = c.get("services");
    const body = await c.req.text();
    const integrations = (["sandbox", "production"] as const).flatMap((environment) => {
      const integration = veriffIntegration(services.config, environment);
      return integration ? [integration] : [];
    });
    const integration = await signingIntegration(
      integrations,
      c.req.header("x-auth-client"),
      body,
      c.req.header("x-hmac-signature"),
    );
    if (!integration) {
      throw new ApiError("signature_invalid", { message: "The X-HMAC-SIGNATURE is missing or invalid." });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw new ApiError("json_invalid");
    }
    const decision = parseDecision(payload);
    // Veriff's other webhooks (session started, submitted) carry no decision: acknowledged, nothing to do.
    if (!decision) return c.json({ received: true, applied: false }, 200);
    const outcome = await applyVeriffDecision(services, integration.environment, decision, "webhook");
    // A decision can overtake the submit that records its session (the submit writes after Veriff
    // answered): a 404 makes Veriff deliver it again later instead of dropping it.
    if (!outcome.applied && outcome.reason === "unknown_session") {
      throw new ApiError("resource_missing", { message: "No verification has this Veriff session (yet)." });
    }
    return c.json({ received: true, ...outcome }, 200);
  })
  .get("/files/verification_documents/:id", async (c) => {
    const services = c.get("services");
    const file = await signedDocumentFile(services, c.req.param("id"), {
      expires: c.req.query("expires"),
      signature: c.req.query("signature"),
    });
    return c.body(file.bytes, 200, {
      "content-type": file.contentType,
      "content-length": String(file.bytes.length),
      "content-disposition": `attachment; filename="${file.document.id}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
  });
