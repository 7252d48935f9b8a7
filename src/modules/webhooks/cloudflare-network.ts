import { parseIpv4, parseIpv6 } from "./ssrf";

/**
 * Cloudflare's published address ranges (https://www.cloudflare.com/ips/, as of 2026-12). On
 * Cloudflare a Worker's sockets cannot dial them, so a host behind Cloudflare's proxy is reached
 * with fetch() (send.ts). Attempts to a range Cloudflare adds and this list lacks would be refused
 * at the socket and fail, so the list follows Cloudflare's.
 */
const IPV4_RANGES: Array<[string, number]> = [
  ["173.245.48.0", 20],
  ["103.21.244.0", 22],
  ["103.22.200.0", 22],
  ["103.31.4.0", 22],
  ["141.101.64.0", 18],
  ["108.162.192.0", 18],
  ["190.93.240.0", 20],
  ["188.114.96.0", 20],
  ["197.234.240.0", 22],
  ["198.41.128.0", 17],
  ["162.158.0.0", 15],
  ["104.16.0.0", 13],
  ["104.24.0.0", 14],
  ["172.64.0.0", 13],
  ["131.0.72.0", 22],
];

const IPV6_RANGES: Array<[string, number]> = [
  ["2400:cb00::", 32],
  ["2606:4700::", 32],
  ["2803:f800::", 32],
  ["2405:b500::", 32],
  ["2405:8100::", 32],
  ["2a06:98c0::", 29],
  ["2c0f:f248::", 32],
];

function ipv6Bits(groups: number[], bits: number): string {
  return groups
    .map((group) => group.toString(2).padStart(16, "0"))
    .join("")
    .slice(0, bits);
}

export function inCloudflareNetwork(address: string): boolean {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) {
    return IPV4_RANGES.some(([base, bits]) => {
      const start = parseIpv4(base) ?? 0;
      return v4 >= start && v4 < start + 2 ** (32 - bits);
    });
  }
  const v6 = parseIpv6(address.toLowerCase());
  if (!v6) return false;
  return IPV6_RANGES.some(([base, bits]) => ipv6Bits(v6, bits) === ipv6Bits(parseIpv6(base) ?? [], bits));
}
