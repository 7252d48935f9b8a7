import { toBase64 } from "../../core/auth/crypto";
import { randomBase62 } from "../../core/ids";

/**
 * The sandbox's stand-in for Apple's gateway (paymentservices/startSession): it checks the body
 * as Apple does and answers with a merchant session of Apple's shape, echoing what it was sent, so
 * sandbox integrations (and tests) see what the server asked for. No certificate is presented.
 */
export function sandboxApplePayGateway(now: Date): Pick<Fetcher, "fetch"> {
  return { fetch: async (url, init) => answer(new Request(url, init), now.getTime()) };
}

async function answer(request: Request, now: number): Promise<Response> {
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  const valid =
    request.method === "POST" &&
    body !== null &&
    typeof body.merchantIdentifier === "string" &&
    typeof body.displayName === "string" &&
    body.displayName.length <= 64 &&
    body.initiative === "web" &&
    typeof body.initiativeContext === "string";
  if (!valid || !body) {
    return Response.json({ statusCode: "400", statusMessage: "Payment Services Exception" }, { status: 400 });
  }
  return Response.json({
    epochTimestamp: now,
    expiresAt: now + 60 * 60 * 1000,
    merchantSessionIdentifier: `SSH${randomBase62(32)}`,
    nonce: randomBase62(8),
    merchantIdentifier: body.merchantIdentifier,
    domainName: body.initiativeContext,
    displayName: body.displayName,
    signature: toBase64(crypto.getRandomValues(new Uint8Array(64))),
    operationalAnalyticsIdentifier: `${body.displayName}:sandbox`,
    retries: 0,
    pspId: body.merchantIdentifier,
    sandboxGatewayUrl: request.url,
  });
}
