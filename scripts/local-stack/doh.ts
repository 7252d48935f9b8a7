// A local DNS-over-HTTPS endpoint in the JSON format of https://cloudflare-dns.com/dns-query
// (application/dns-json), so the Worker resolves webhook hosts through the same code path as in
// production. Dev tooling only (Node); never bundled into the Worker.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen, readBody } from "./http";

export interface LocalDohOptions {
  port?: number;
  host?: string;
  log?: (message: string) => void;
}

export interface LocalDohRecords {
  A?: string[];
  AAAA?: string[];
}

export interface LocalDoh {
  /** The DoH endpoint: `<origin>/dns-query` (WEBHOOKS_DOH_URL). */
  url: string;
  /** Sets (or, with no addresses, removes) the answers for one name. */
  setRecords(name: string, records: LocalDohRecords): void;
  close(): Promise<void>;
}

const TYPES: Record<string, 1 | 28> = { A: 1, "1": 1, AAAA: 28, "28": 28 };

/**
 * Names answered without being configured, as the public services of the same name answer them:
 * `a.b.c.d.nip.io`, `x.a-b-c-d.sslip.io` (IPv4 embedded in the name), `--1.sslip.io` (IPv6 with
 * dashes), and `localtest.me` with its subdomains (127.0.0.1). Anything else is NXDOMAIN unless
 * set with `POST /records` or `setRecords`.
 */
function builtIn(name: string, type: 1 | 28): string[] | undefined {
  if (name === "localtest.me" || name.endsWith(".localtest.me")) return type === 1 ? ["127.0.0.1"] : [];
  const wildcard = /^(?:.*[.-])?((?:\d{1,3}[.-]){3}\d{1,3})\.(?:nip\.io|sslip\.io)$/.exec(name);
  if (wildcard?.[1]) return type === 1 ? [wildcard[1].replaceAll("-", ".")] : [];
  const v6 = /^(?:.*\.)?([0-9a-f-]*-[0-9a-f-]*)\.sslip\.io$/.exec(name);
  if (v6?.[1]) return type === 28 ? [v6[1].replaceAll("-", ":")] : [];
  return undefined;
}

export async function startLocalDoh(opts: LocalDohOptions = {}): Promise<LocalDoh> {
  const log = opts.log ?? (() => {});
  const records = new Map<string, LocalDohRecords>();
  const setRecords = (name: string, value: LocalDohRecords) => {
    const key = name.toLowerCase().replace(/\.$/, "");
    if ((value.A?.length ?? 0) + (value.AAAA?.length ?? 0) === 0) records.delete(key);
    else records.set(key, value);
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/dns-json" });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://local");
    if (req.method === "POST" && url.pathname === "/records") {
      const body = JSON.parse((await readBody(req, 64 * 1024, () => new Error("too large"))).toString()) as {
        name: string;
      } & LocalDohRecords;
      setRecords(body.name, body);
      return answer(res, 200, { ok: true });
    }
    if (req.method !== "GET" || url.pathname !== "/dns-query")
      return answer(res, 404, { error: "not found" });
    const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
    const type = TYPES[(url.searchParams.get("type") ?? "A").toUpperCase()];
    if (!name || !type) return answer(res, 400, { error: "name and type (A or AAAA) are required" });
    const configured = records.get(name);
    const addresses = configured
      ? ((type === 1 ? configured.A : configured.AAAA) ?? [])
      : builtIn(name, type);
    log(`doh ${name} ${type} -> ${addresses ? addresses.join(",") || "(none)" : "NXDOMAIN"}`);
    return answer(res, 200, {
      Status: addresses ? 0 : 3,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name: `${name}.`, type }],
      ...(addresses && addresses.length > 0
        ? { Answer: addresses.map((data) => ({ name: `${name}.`, type, TTL: 0, data })) }
        : {}),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => answer(res, 500, { error: String(err) }));
  });
  const port = await listen(server, opts.port, opts.host);
  return {
    url: `http://127.0.0.1:${port}/dns-query`,
    setRecords,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
