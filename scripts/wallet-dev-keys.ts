import { createPrivateKey, createPublicKey } from "node:crypto";

// Development-only wallet keys (made with openssl for this repository): the local stack gives the
// Worker the public and the Worker's own halves, the tests build and sign tokens with the rest.
// Production sets its own from Apple and Google (docs/wallet-pay.md). Never use these elsewhere.

/** Google Pay: our recipient key (the Worker decrypts with it) and a test root signing key. */
export const GOOGLE_PAY_DEV = {
  recipientPrivateKey:
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1rKlks9WkGyMlwVYE+nvYQD6kD0Z+dbF4oYBDFkPq4WhRANCAATmrABbSjYqAusNL74bi397L7xZ6s3vW9jebBIG4JuyrhiVqB3LDHnnz77wc5ypttsLEu4ZtmRBUQqpnTuLqnCA",
  rootPrivateKey:
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglwH3mavNxU4rVv6qplwZT5WiyKMfPDz4pNxqbi8MMHmhRANCAASoOHLXiaAswY8zan/aTsuiCTBfRdfCdLFrklni6zyigxpmlNcu8O4MIjz31t/oyspJEOL0I9/UCWKXMYKhDB1w",
};

/**
 * Apple Pay: the payment processing key (the Worker decrypts with it), a test "Apple Root CA - G3"
 * with its intermediate (OID 1.2.840.113635.100.6.2.14) and leaf (OID 1.2.840.113635.100.6.29),
 * and a second, untrusted chain of the same shape for wrongly signed tokens. Certificates are DER.
 */
export const APPLE_PAY_DEV = {
  merchantIdentifier: "merchant.com.magnetpay.dev",
  processingPrivateKey:
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTvttJiwL5B8emsxNo5IuWQHT+NIczRD5wmdXfwRqhimhRANCAAQu2KbcoTAsfXqHG0tLB2x0tPTunTRKX9T3XphRMTbYmCDkR/r3N15VkJ7zTq3JyMo+lTnIsDF/yKJfKFC8F+uO",
  rootCertificate:
    "MIIBxDCCAWqgAwIBAgIURATcRRjcDJpvriBPy7MjZP3dQuYwCgYIKoZIzj0EAwIwQDEkMCIGA1UEAwwbVGVzdCBBcHBsZSBSb290IENBIC0gRzMgKGEpMRgwFgYDVQQKDA9NYWduZXRQYXkgdGVzdHMwHhcNMjYxMjAyMDM0NzI3WhcNNDYxMTI3MDM0NzI3WjBAMSQwIgYDVQQDDBtUZXN0IEFwcGxlIFJvb3QgQ0EgLSBHMyAoYSkxGDAWBgNVBAoMD01hZ25ldFBheSB0ZXN0czBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABITmOjEbq0EKQM0GWUNl/JmEP5qsf47hNky7OekPYR9NrbG0TwMJ7zV5KkHwoZVPC6HkcrdVUvmvdcZVsbJVtwGjQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBTUmI/Q4kPnhHu4SNZ5fsK9vl2nYTAKBggqhkjOPQQDAgNIADBFAiEA5isD9UAId+qrIAK+O48+pKK2B7s0ScDpreevILPxZ24CIHhyNCofC/FPiHuqaVwPD1u5JvyYjgfEWHKw1F5kaYF3",
  intermediateCertificate:
    "MIIB5jCCAYygAwIBAgIBAjAKBggqhkjOPQQDAjBAMSQwIgYDVQQDDBtUZXN0IEFwcGxlIFJvb3QgQ0EgLSBHMyAoYSkxGDAWBgNVBAoMD01hZ25ldFBheSB0ZXN0czAeFw0yNjEyMDIwMzQ3MjdaFw00NjAxMzEwMzQ3MjdaMD8xPTA7BgNVBAMMNFRlc3QgQXBwbGUgV29ybGR3aWRlIERldmVsb3BlciBSZWxhdGlvbnMgQ0EgLSBHMiAoYSkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR6WOKzKVcgKFIqHnIyfsW178j9382TY4sJLEwiKpJzvBzsl+7Bbpm3tU8Etf+FURcMeo8YSz8NTW+kbgRKE2pfo3gwdjASBgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAQBgoqhkiG92NkBgIOBAIFADAdBgNVHQ4EFgQUP+wKgwLFQ0YaBwbJgAIkRMr7HMEwHwYDVR0jBBgwFoAU1JiP0OJD54R7uEjWeX7Cvb5dp2EwCgYIKoZIzj0EAwIDSAAwRQIgJRaoljvQ2EiSJ4C7J66meh3Rq5h7LtgT29IdAfc86g0CIQCbtBul0Y7brOwa3POv455Lx3J/Pc3xm8Cz6ihEx+lZZg==",
  leafCertificate:
    "MIIB0DCCAXWgAwIBAgIBAzAKBggqhkjOPQQDAjA/MT0wOwYDVQQDDDRUZXN0IEFwcGxlIFdvcmxkd2lkZSBEZXZlbG9wZXIgUmVsYXRpb25zIENBIC0gRzIgKGEpMB4XDTI2MTIwMjAzNDcyN1oXDTQ1MTAyMzAzNDcyN1owMDEuMCwGA1UEAwwldGVzdC1lY2Mtc21wLWJyb2tlci1zaWduX1VDNC1QUk9EIChhKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCdK1Awe86YevwIGqdzX0QDyFXmZ58854HHqKJxvIcVIoTBZjdwPWmdZ+A7nyAR84CkhYgDftUT0QSoYYgJCreWjcTBvMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMA8GCSqGSIb3Y2QGHQQCBQAwHQYDVR0OBBYEFCxuiPj4D3h+uQV5Tmo0c+8+97yNMB8GA1UdIwQYMBaAFD/sCoMCxUNGGgcGyYACJETK+xzBMAoGCCqGSM49BAMCA0kAMEYCIQDsauXPsj6yhUKv5ghPaWXc6e3nk6U5MajpuBBJmTt50AIhAOWxJ2qfBrfDkda0bWGbtWb3i8zAP1b+8UqAUaX+RTtP",
  leafPrivateKey:
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtoHX77Ut9r8feRA3pYtFyJjv0U/21eMqE1priiA1OfWhRANCAAQnStQMHvOmHr8CBqnc19EA8hV5mefPOeBx6iicbyHFSKEwWY3cD1pnWfgO58gEfOApIWIA37VE9EEqGGICQq3l",
  untrusted: {
    intermediateCertificate:
      "MIIB5jCCAYygAwIBAgIBAjAKBggqhkjOPQQDAjBAMSQwIgYDVQQDDBtUZXN0IEFwcGxlIFJvb3QgQ0EgLSBHMyAocikxGDAWBgNVBAoMD01hZ25ldFBheSB0ZXN0czAeFw0yNjEyMDIwMzQ3MjdaFw00NjAxMzEwMzQ3MjdaMD8xPTA7BgNVBAMMNFRlc3QgQXBwbGUgV29ybGR3aWRlIERldmVsb3BlciBSZWxhdGlvbnMgQ0EgLSBHMiAocikwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATSywinr4V6ToOl+JmJnyO5DoFdE/aT+wuQJr6ZtszcuSgacvyqk8Gfv4be/T6ykYfe24nETDwOKxVKAaknivpio3gwdjASBgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAQBgoqhkiG92NkBgIOBAIFADAdBgNVHQ4EFgQUT4iF3XQ/6b65Jvna5Jt2MKXnUe4wHwYDVR0jBBgwFoAUel/gAyg/02w5nU63CjAIdvw1TWQwCgYIKoZIzj0EAwIDSAAwRQIgBA4UolWQ3CwAE+5K9ifybO+hfBvmwWYsydiLPjgJp5wCIQCdrq7IDg1XpcPQpnPdnFMRrgO07f1PECC/i3ArErA8qw==",
    leafCertificate:
      "MIIBzzCCAXWgAwIBAgIBAzAKBggqhkjOPQQDAjA/MT0wOwYDVQQDDDRUZXN0IEFwcGxlIFdvcmxkd2lkZSBEZXZlbG9wZXIgUmVsYXRpb25zIENBIC0gRzIgKHIpMB4XDTI2MTIwMjAzNDcyN1oXDTQ1MTAyMzAzNDcyN1owMDEuMCwGA1UEAwwldGVzdC1lY2Mtc21wLWJyb2tlci1zaWduX1VDNC1QUk9EIChyKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNows/pLpEelyKl3eQDsWXaFv/ut2FnXQ20H05Q3gYIxH5tpj5qXKhH2+GncUcjh2Qj+XcIrtZlfXMgc0FcKy0WjcTBvMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMA8GCSqGSIb3Y2QGHQQCBQAwHQYDVR0OBBYEFFQR7DvrQwSvB92XzvIciu5+8gaJMB8GA1UdIwQYMBaAFE+Ihd10P+m+uSb52uSbdjCl51HuMAoGCCqGSM49BAMCA0gAMEUCIQCPzAQ3+oS6CQGQdkIPFa9JLTg6w9lVpz8jW8oazcMQ8gIgVwWUwPy3/QQ3NRpss3CwlVH9rwPreJLSM3K6fn+6bzI=",
    leafPrivateKey:
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqeCnGk8HPQc+ySSdT8+Hc0S4ODD+7rKKeEelzmNNDAihRANCAATaMLP6S6RHpcipd3kA7Fl2hb/7rdhZ10NtB9OUN4GCMR+baY+alyoR9vhp3FHI4dkI/l3CK7WZX1zIHNBXCstF",
  },
};

/** A PKCS#8 key's public half, as base64 SubjectPublicKeyInfo. */
export function publicKeyOf(pkcs8: string): string {
  const key = createPublicKey(
    createPrivateKey({ key: Buffer.from(pkcs8, "base64"), format: "der", type: "pkcs8" }),
  );
  return key.export({ format: "der", type: "spki" }).toString("base64");
}

/** The Worker's wallet variables for local development and tests (both environments trust the test root). */
export function walletDevEnv(): Record<string, string> {
  const rootKeys = JSON.stringify([
    {
      keyValue: publicKeyOf(GOOGLE_PAY_DEV.rootPrivateKey),
      protocolVersion: "ECv2",
      keyExpiration: "32503680000000",
    },
  ]);
  return {
    GOOGLE_PAY_PRIVATE_KEY: GOOGLE_PAY_DEV.recipientPrivateKey,
    GOOGLE_PAY_ROOT_KEYS: rootKeys,
    GOOGLE_PAY_TEST_ROOT_KEYS: rootKeys,
    APPLE_PAY_MERCHANT_IDENTIFIER: APPLE_PAY_DEV.merchantIdentifier,
    APPLE_PAY_PAYMENT_PROCESSING_KEY: APPLE_PAY_DEV.processingPrivateKey,
    APPLE_PAY_ROOT_CA: APPLE_PAY_DEV.rootCertificate,
    APPLE_PAY_DOMAIN_ASSOCIATION: "magnetpay-dev-apple-developer-merchantid-domain-association",
  };
}
