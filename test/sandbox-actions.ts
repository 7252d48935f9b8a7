/**
 * The customer's answer on a sandbox action page (3-D Secure, a local method's redirect): the
 * form POST with the page's token, redirects not followed, so a test sees the page's own answer.
 */
export async function decideSandboxAction(url: string, decision: "approve" | "decline"): Promise<Response> {
  const token = new URL(url).searchParams.get("token") ?? "";
  return fetch(url, { method: "POST", body: new URLSearchParams({ token, decision }), redirect: "manual" });
}
