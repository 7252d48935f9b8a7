/**
 * Resolves a host name with DNS over HTTPS, JSON API (`application/dns-json`, as served by
 * https://cloudflare-dns.com/dns-query and https://dns.google/resolve). A Worker has no resolver of
 * its own; WEBHOOKS_DOH_URL picks the service (the local stack runs one for tests).
 */
export type Resolution =
  | { ok: true; addresses: string[] }
  | { ok: false; kind: "nxdomain" | "no_address" | "error"; reason: string };

const RECORD_TYPES = { A: 1, AAAA: 28 } as const;

interface DohAnswer {
  Status?: number;
  Answer?: Array<{ type?: number; data?: string }>;
}

async function query(
  doh: DohService,
  name: string,
  type: keyof typeof RECORD_TYPES,
): Promise<{ status: number; addresses: string[] }> {
  const url = new URL(doh.url);
  url.searchParams.set("name", name);
  url.searchParams.set("type", type);
  const response = await fetch(url, {
    headers: { accept: "application/dns-json" },
    signal: AbortSignal.timeout(doh.timeoutMs),
  });
  if (!response.ok) throw new Error(`DNS over HTTPS answered HTTP ${response.status}`);
  const body = (await response.json()) as DohAnswer;
  if (typeof body.Status !== "number") throw new Error("DNS over HTTPS answer without a Status");
  const addresses = (body.Answer ?? [])
    .filter((record) => record.type === RECORD_TYPES[type] && typeof record.data === "string")
    .map((record) => String(record.data));
  return { status: body.Status, addresses };
}

/** Every A and AAAA address of the name (CNAMEs followed by the resolver). */
/** The DNS-over-HTTPS service (WEBHOOKS_DOH_URL) and how long one query may take (OUTBOUND_TIMEOUT_MS). */
export interface DohService {
  url: string;
  timeoutMs: number;
}

export async function resolveHost(doh: DohService, host: string): Promise<Resolution> {
  const name = host.replace(/\.+$/, "");
  try {
    const [a, aaaa] = await Promise.all([query(doh, name, "A"), query(doh, name, "AAAA")]);
    if (a.status === 3 && aaaa.status === 3) {
      return { ok: false, kind: "nxdomain", reason: `the host name ${name} does not exist (NXDOMAIN)` };
    }
    for (const answer of [a, aaaa]) {
      if (answer.status !== 0 && answer.status !== 3) {
        return { ok: false, kind: "error", reason: `DNS lookup of ${name} failed (rcode ${answer.status})` };
      }
    }
    const addresses = [...a.addresses, ...aaaa.addresses];
    if (addresses.length === 0) {
      return { ok: false, kind: "no_address", reason: `the host name ${name} has no A or AAAA record` };
    }
    return { ok: true, addresses };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, kind: "error", reason: `DNS lookup of ${name} failed: ${message}` };
  }
}
