import type { Environment } from "../../core/tables";

export type UrlRefusal = "webhook_url_invalid" | "webhook_url_insecure" | "webhook_url_forbidden";

export type UrlVerdict = { ok: true } | { ok: false; code: UrlRefusal; reason: string };

export interface UrlPolicy {
  environment: Environment;
  /** WEBHOOKS_ALLOW_LOCALHOST: sandbox endpoints may use loopback (local development); never production ones. */
  allowLocalhost: boolean;
}

type HostClass = "public" | "loopback" | "internal";

const MAX_URL_LENGTH = 2048;

/** Suffixes that only resolve inside a private network (RFC 6761/6762/8375 and common practice). */
const INTERNAL_SUFFIXES = [".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet"];

/** [first address, prefix length, what it is] for IPv4 space that is not the public internet. */
const IPV4_BLOCKS: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local / cloud metadata"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function classifyIpv4(address: number): { hostClass: HostClass; label: string } {
  for (const [base, bits, label] of IPV4_BLOCKS) {
    const size = 2 ** (32 - bits);
    const start = parseIpv4(base) ?? 0;
    if (address >= start && address < start + size) {
      return { hostClass: label === "loopback" ? "loopback" : "internal", label };
    }
  }
  return { hostClass: "public", label: "public" };
}

/** Eight 16-bit groups, or undefined when the text is not an IPv6 address. */
export function parseIpv6(text: string): number[] | undefined {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes(".")) {
    const v4 = parseIpv4(dotted);
    if (v4 === undefined) return undefined;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) =>
    part
      ? part.split(":").map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : -1))
      : [];
  const left = parse(halves[0]);
  const right = parse(halves[1]);
  if ([...left, ...right].some((group) => group < 0)) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  return groups;
}

function classifyIpv6(groups: number[]): { hostClass: HostClass; label: string } {
  const g = (i: number) => groups[i] ?? 0;
  const embeddedV4 = (high: number, low: number) => classifyIpv4(high * 65536 + low);
  const firstSixZero = [0, 1, 2, 3, 4, 5].every((i) => g(i) === 0);
  const firstFiveZero = [0, 1, 2, 3, 4].every((i) => g(i) === 0);
  if (firstSixZero && g(6) === 0 && g(7) === 0) return { hostClass: "internal", label: "unspecified" };
  if (firstSixZero && g(6) === 0 && g(7) === 1) return { hostClass: "loopback", label: "loopback" };
  // IPv4-mapped, IPv4-compatible and NAT64 addresses reach the embedded IPv4 address.
  if (firstFiveZero && g(5) === 0xffff) return embeddedV4(g(6), g(7));
  if (firstSixZero) return embeddedV4(g(6), g(7));
  if (g(0) === 0x64 && g(1) === 0xff9b && [2, 3, 4, 5].every((i) => g(i) === 0))
    return embeddedV4(g(6), g(7));
  // RFC 8215 local-use NAT64: the operator picks where the IPv4 address sits, so the whole /48 is refused.
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1)
    return { hostClass: "internal", label: "local-use NAT64" };
  if (g(0) === 0x2002) return embeddedV4(g(1), g(2));
  if ((g(0) & 0xffc0) === 0xfe80) return { hostClass: "internal", label: "link-local" };
  if ((g(0) & 0xffc0) === 0xfec0) return { hostClass: "internal", label: "site-local" };
  if ((g(0) & 0xfe00) === 0xfc00) return { hostClass: "internal", label: "unique-local" };
  if ((g(0) & 0xff00) === 0xff00) return { hostClass: "internal", label: "multicast" };
  if (g(0) === 0x2001 && g(1) === 0x0db8) return { hostClass: "internal", label: "documentation" };
  if (g(0) === 0x2001 && g(1) === 0) return { hostClass: "internal", label: "Teredo" };
  // 2001::/23, IETF protocol assignments (benchmarking, ORCHID, ...), of which Teredo above is a part.
  if (g(0) === 0x2001 && g(1) < 0x0200) return { hostClass: "internal", label: "IETF protocol assignment" };
  if (g(0) === 0x3fff && g(1) < 0x1000) return { hostClass: "internal", label: "documentation" };
  if (g(0) === 0x0100 && g(1) === 0 && g(2) === 0 && g(3) === 0)
    return { hostClass: "internal", label: "discard" };
  return { hostClass: "public", label: "public" };
}

function classifyHost(hostname: string): { hostClass: HostClass; label: string } {
  const host = hostname.replace(/\.+$/, "");
  if (host.startsWith("[") && host.endsWith("]")) {
    const groups = parseIpv6(host.slice(1, -1));
    return groups ? classifyIpv6(groups) : { hostClass: "internal", label: "unparseable IPv6" };
  }
  const v4 = parseIpv4(host);
  if (v4 !== undefined) return classifyIpv4(v4);
  if (host === "localhost" || host.endsWith(".localhost"))
    return { hostClass: "loopback", label: "loopback" };
  if (!host.includes(".")) return { hostClass: "internal", label: "single-label (intranet) host name" };
  if (INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return { hostClass: "internal", label: "internal host name" };
  }
  return { hostClass: "public", label: "public" };
}

/** Ports a webhook may use: HTTPS ports everywhere, and the HTTP ones too in sandbox. */
const ALLOWED_PORTS: Record<Environment, readonly number[]> = {
  production: [443, 8443],
  sandbox: [80, 443, 8080, 8443],
};

function urlPort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** Local development: a sandbox endpoint on loopback, with WEBHOOKS_ALLOW_LOCALHOST set. */
function localDevelopment(hostClass: HostClass, policy: UrlPolicy): boolean {
  return hostClass === "loopback" && policy.allowLocalhost && policy.environment === "sandbox";
}

function forbidden(host: string, label: string): UrlVerdict {
  return {
    ok: false,
    code: "webhook_url_forbidden",
    reason: `The URL's host ${host} is a ${label} address; webhooks only go to public hosts.`,
  };
}

/** The host of a URL when it is an IP literal (brackets removed for IPv6), else undefined. */
export function literalAddress(hostname: string): string | undefined {
  const host = hostname.replace(/\.+$/, "");
  if (host.startsWith("[") && host.endsWith("]")) return host.slice(1, -1);
  return parseIpv4(host) === undefined ? undefined : host;
}

/**
 * Checks the addresses a host name resolved to, with the same ranges as literal addresses. Every
 * address must pass: the connection may go to any of them.
 */
export function checkResolvedAddresses(host: string, addresses: string[], policy: UrlPolicy): UrlVerdict {
  for (const address of addresses) {
    const v4 = parseIpv4(address);
    const v6 = v4 === undefined ? parseIpv6(address.toLowerCase()) : undefined;
    const { hostClass, label } =
      v4 !== undefined
        ? classifyIpv4(v4)
        : v6
          ? classifyIpv6(v6)
          : { hostClass: "internal" as const, label: "unparseable" };
    if (hostClass === "public" || localDevelopment(hostClass, policy)) continue;
    return forbidden(`${host} (${address})`, label);
  }
  return { ok: true };
}

function parseUrl(raw: string): URL | undefined {
  if (raw.length > MAX_URL_LENGTH) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a webhook may be sent to this URL, at registration and again before every
 * attempt: scheme, credentials, port, literal IP addresses (in every notation the URL parser
 * accepts) and host names that only exist inside private networks. Host names are resolved and
 * their addresses checked by destination.ts (checkResolvedAddresses).
 */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  const url = parseUrl(raw);
  if (!url) return { ok: false, code: "webhook_url_invalid", reason: "The URL is not a valid absolute URL." };
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, code: "webhook_url_invalid", reason: "The URL must use https (or http in sandbox)." };
  }
  if (url.username || url.password) {
    return { ok: false, code: "webhook_url_invalid", reason: "The URL must not carry credentials." };
  }
  if (policy.environment === "production" && url.protocol !== "https:") {
    return {
      ok: false,
      code: "webhook_url_insecure",
      reason: "Production webhook endpoints must use https.",
    };
  }
  const { hostClass, label } = classifyHost(url.hostname);
  // A local receiver (tests, a developer's machine) may listen on any port.
  if (localDevelopment(hostClass, policy)) return { ok: true };
  if (hostClass !== "public") return forbidden(url.hostname, label);
  const port = urlPort(url);
  const allowed = ALLOWED_PORTS[policy.environment];
  if (!allowed.includes(port)) {
    return {
      ok: false,
      code: "webhook_url_forbidden",
      reason: `Port ${port} is not allowed; ${policy.environment} webhooks may use port ${allowed.join(", ")}.`,
    };
  }
  return { ok: true };
}
