import { describe, expect, it } from "vitest";
import { checkResolvedAddresses, checkWebhookUrl, type UrlPolicy } from "./ssrf";

const production: UrlPolicy = { environment: "production", allowLocalhost: false };
const productionWithSwitch: UrlPolicy = { environment: "production", allowLocalhost: true };
const sandbox: UrlPolicy = { environment: "sandbox", allowLocalhost: false };
const localSandbox: UrlPolicy = { environment: "sandbox", allowLocalhost: true };

const code = (url: string, policy: UrlPolicy) => {
  const verdict = checkWebhookUrl(url, policy);
  return verdict.ok ? "ok" : verdict.code;
};

describe("webhook URL guard (SSRF)", () => {
  it("accepts public hosts, https in production and http in sandbox", () => {
    for (const url of [
      "https://example.com/hooks",
      "https://hooks.example.co.uk:8443/a?b=c",
      "https://93.184.216.34/x",
      "https://[2606:2800:220:1:248:1893:25c8:1946]/x",
      "https://172.32.0.1/x",
      "https://100.128.0.1/x",
      "https://192.169.0.1/x",
    ]) {
      expect(code(url, production), url).toBe("ok");
    }
    expect(code("http://example.com/hooks", sandbox)).toBe("ok");
    expect(code("http://example.com/hooks", production)).toBe("webhook_url_insecure");
  });

  it("refuses malformed URLs, other schemes and embedded credentials", () => {
    for (const url of [
      "",
      "example.com/x",
      "ftp://example.com/x",
      "javascript:alert(1)",
      "https://a:b@example.com/",
    ]) {
      expect(code(url, sandbox), url).toBe("webhook_url_invalid");
    }
    expect(code(`https://example.com/${"a".repeat(2100)}`, sandbox)).toBe("webhook_url_invalid");
  });

  it("refuses every internal IPv4 range, in any notation the URL parser accepts", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://127.255.255.254/",
      "https://2130706433/",
      "https://0x7f000001/",
      "https://0177.0.0.1/",
      "https://127.1/",
      "https://10.0.0.1/",
      "https://172.16.0.1/",
      "https://172.31.255.255/",
      "https://192.168.0.1/",
      "https://169.254.169.254/latest/meta-data/",
      "https://100.64.0.1/",
      "https://100.127.255.255/",
      "https://0.0.0.0/",
      "https://0.1.2.3/",
      "https://192.0.2.1/",
      "https://198.18.0.1/",
      "https://224.0.0.1/",
      "https://255.255.255.255/",
    ]) {
      expect(code(url, production), url).toBe("webhook_url_forbidden");
    }
  });

  it("refuses internal IPv6 addresses, including IPv4 embedded in IPv6", () => {
    for (const url of [
      "https://[::1]/",
      "https://[::]/",
      "https://[0:0:0:0:0:0:0:1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://[::ffff:10.0.0.1]/",
      "https://[64:ff9b::10.0.0.1]/",
      "https://[2002:7f00:1::]/",
      "https://[fe80::1]/",
      "https://[febf::1]/",
      "https://[fc00::1]/",
      "https://[fd12:3456::1]/",
      "https://[ff02::1]/",
      "https://[2001:db8::1]/",
    ]) {
      expect(code(url, production), url).toBe("webhook_url_forbidden");
    }
  });

  it("refuses host names that only resolve inside a network, and metadata names", () => {
    for (const url of [
      "https://localhost/",
      "https://LOCALHOST./",
      "https://app.localhost/",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://metadata/",
      "https://printer.local/",
      "https://db.internal/",
      "https://box.localdomain/",
      "https://nas.home.arpa/",
      "https://router.lan/",
    ]) {
      expect(code(url, production), url).toBe("webhook_url_forbidden");
    }
  });

  it("the local-development switch opens loopback to sandbox endpoints only, never private ranges", () => {
    expect(code("http://127.0.0.1:8787/hooks", localSandbox)).toBe("ok");
    expect(code("http://localhost:3000/hooks", localSandbox)).toBe("ok");
    expect(code("http://[::1]:3000/hooks", localSandbox)).toBe("ok");
    expect(code("http://127.0.0.1:8787/hooks", sandbox)).toBe("webhook_url_forbidden");
    expect(code("https://127.0.0.1/hooks", productionWithSwitch)).toBe("webhook_url_forbidden");
    expect(code("http://10.0.0.1/hooks", localSandbox)).toBe("webhook_url_forbidden");
    expect(code("http://169.254.169.254/", localSandbox)).toBe("webhook_url_forbidden");
  });

  it("refuses IPv4-compatible IPv6 addresses (::a.b.c.d) by their IPv4 address", () => {
    for (const url of [
      "https://[::a9fe:a9fe]/",
      "https://[::169.254.169.254]/latest/meta-data/",
      "https://[::7f00:1]/",
      "https://[::a00:1]/",
      "https://[0:0:0:0:0:0:c0a8:101]/",
    ]) {
      expect(code(url, production), url).toBe("webhook_url_forbidden");
    }
    // Judged by the embedded address: private stays refused, loopback only opens with the local switch.
    expect(code("https://[::a9fe:a9fe]/", localSandbox)).toBe("webhook_url_forbidden");
    expect(code("https://[::7f00:1]/", sandbox)).toBe("webhook_url_forbidden");
  });

  it("refuses the local-use NAT64 prefix 64:ff9b:1::/48 whatever it embeds, and keeps 64:ff9b::/96 mapping", () => {
    for (const url of [
      "https://[64:ff9b:1::a00:1]/",
      "https://[64:ff9b:1::5db8:d822]/",
      "https://[64:ff9b:1:ffff:ffff:ffff:ffff:ffff]/",
      "https://[64:ff9b::7f00:1]/",
      "https://[64:ff9b::169.254.169.254]/",
      "https://[2001:2::1]/",
      "https://[3fff::1]/",
    ]) {
      expect(code(url, production), url).toBe("webhook_url_forbidden");
    }
    expect(code("https://[64:ff9b::5db8:d822]/", production)).toBe("ok");
  });

  it("allows only ports 443 and 8443 in production, and 80 and 8080 too in sandbox", () => {
    for (const port of [22, 25, 80, 6379, 5432, 8080, 3000, 1]) {
      expect(code(`https://example.com:${port}/x`, production), String(port)).toBe("webhook_url_forbidden");
    }
    expect(code("https://example.com:8443/x", production)).toBe("ok");
    expect(code("https://example.com:443/x", production)).toBe("ok");
    for (const url of ["http://example.com/x", "http://example.com:8080/x", "https://example.com:8443/x"]) {
      expect(code(url, sandbox), url).toBe("ok");
    }
    for (const port of [22, 6379, 3000]) {
      expect(code(`http://example.com:${port}/x`, sandbox), String(port)).toBe("webhook_url_forbidden");
    }
    // A local receiver on loopback (WEBHOOKS_ALLOW_LOCALHOST, sandbox only) may use any port.
    expect(code("http://127.0.0.1:6379/hooks", localSandbox)).toBe("ok");
    expect(code("https://127.0.0.1:6379/hooks", productionWithSwitch)).toBe("webhook_url_forbidden");
  });

  it("checks every resolved address with the same ranges; the local switch never opens production", () => {
    const resolved = (addresses: string[], policy: UrlPolicy) => {
      const verdict = checkResolvedAddresses("name.example", addresses, policy);
      return verdict.ok ? "ok" : verdict.code;
    };
    expect(resolved(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], production)).toBe("ok");
    for (const bad of [
      ["127.0.0.1"],
      ["93.184.215.14", "10.0.0.1"],
      ["::1"],
      ["::ffff:7f00:1"],
      ["::a9fe:a9fe"],
      ["64:ff9b:1::a00:1"],
      ["fd00::1"],
      ["not an address"],
    ]) {
      expect(resolved(bad, production), bad.join(",")).toBe("webhook_url_forbidden");
      expect(resolved(bad, productionWithSwitch), bad.join(",")).toBe("webhook_url_forbidden");
    }
    expect(resolved(["127.0.0.1"], localSandbox)).toBe("ok");
    expect(resolved(["10.0.0.1"], localSandbox)).toBe("webhook_url_forbidden");
  });
});
