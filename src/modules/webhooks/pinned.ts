import { encodeHttp1Post, type Http1Answer, readHttp1Answer } from "./http1";

/**
 * A webhook POST over a TCP socket dialled to an address the SSRF check passed, instead of
 * `fetch(url)`, which resolves the name again and so could be rebound to an internal address
 * between the check and the connection. TLS still verifies the certificate against the URL's host
 * name, sent as SNI (`startTls({ expectedServerHostname })`), and `Host` is the URL's.
 */
export interface PinnedPost {
  url: URL;
  /** Checked addresses, tried in order until one accepts the connection. */
  addresses: string[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  bodyLimit: number;
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** Rejects with a TimeoutError (the name AbortSignal.timeout uses) unless `work` settles in time. */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      const timeout = new Error(`no answer within ${timeoutMs} ms`);
      timeout.name = "TimeoutError";
      reject(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function postPinned(request: PinnedPost): Promise<Http1Answer> {
  // Imported when used: only workerd has cloudflare:sockets, and unit tests load this module in Node.
  const { connect } = await import("cloudflare:sockets");
  const tls = request.url.protocol === "https:";
  const port = defaultPort(request.url);
  const open: Socket[] = [];
  const closeAll = () => {
    for (const socket of open) socket.close().catch(() => undefined);
  };
  const exchange = async () => {
    let lastError: unknown = new Error("no address to connect to");
    for (const address of request.addresses) {
      const hostname = address.includes(":") ? `[${address}]` : address;
      const plain = connect(
        { hostname, port },
        { secureTransport: tls ? "starttls" : "off", allowHalfOpen: false },
      );
      open.push(plain);
      try {
        await plain.opened;
      } catch (error) {
        lastError = new Error(
          `${address} port ${port}: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      let socket = plain;
      if (tls) {
        socket = plain.startTls({ expectedServerHostname: request.url.hostname.replace(/^\[|\]$/g, "") });
        open.push(socket);
      }
      const writer = socket.writable.getWriter();
      try {
        await writer.write(encodeHttp1Post(request));
      } catch (error) {
        throw tls
          ? new Error(
              `TLS with ${request.url.hostname} at ${address} failed: the certificate must be valid and for this name`,
            )
          : error;
      }
      const reader = socket.readable.getReader();
      return readHttp1Answer(async () => {
        const { done, value } = await reader.read();
        return done ? undefined : (value as Uint8Array);
      }, request.bodyLimit);
    }
    throw lastError;
  };
  try {
    return await withDeadline(exchange(), request.timeoutMs, closeAll);
  } finally {
    closeAll();
  }
}
