import { describe, expect, it } from "vitest";
import { checkWebhookUrl, type UrlPolicy } from "./ssrf";

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
});
