/**
 * The two ends of one HTTP/1.1 exchange over a raw socket (pinned.ts): the request's bytes, and
 * from the answer only what a webhook attempt records, its status and the first bytes of its body.
 */

/** An answer whose head is larger than this is not a webhook receiver's; the attempt fails. */
const HEAD_LIMIT_BYTES = 64 * 1024;

export interface Http1Request {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export interface Http1Answer {
  status: number;
  /** At most the limit given to readHttp1Answer, decoded as UTF-8. */
  body: string;
}

/** A POST that closes the connection after the answer; `Host` is the URL's, whatever address is dialled. */
export function encodeHttp1Post({ url, headers, body }: Http1Request): Uint8Array {
  const payload = new TextEncoder().encode(body);
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${payload.byteLength}`,
    "connection: close",
  ];
  const head = new TextEncoder().encode(`${lines.join("\r\n")}\r\n\r\n`);
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  return bytes;
}

/** The next chunk of the connection, or undefined once the peer closed it. */
export type ReadChunk = () => Promise<Uint8Array | undefined>;

class ByteQueue {
  private bytes = new Uint8Array(0);

  constructor(private readonly next: ReadChunk) {}

  get length(): number {
    return this.bytes.byteLength;
  }

  /** Reads one more chunk; false when the connection has ended. */
  async fill(): Promise<boolean> {
    const chunk = await this.next();
    if (!chunk) return false;
    const joined = new Uint8Array(this.bytes.byteLength + chunk.byteLength);
    joined.set(this.bytes);
    joined.set(chunk, this.bytes.byteLength);
    this.bytes = joined;
    return true;
  }

  indexOf(pattern: number[]): number {
    outer: for (let i = 0; i + pattern.length <= this.bytes.byteLength; i++) {
      for (let j = 0; j < pattern.length; j++) if (this.bytes[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  take(count: number): Uint8Array {
    const taken = this.bytes.subarray(0, count);
    this.bytes = this.bytes.subarray(count);
    return taken;
  }
}

const CRLF = [13, 10];
const CRLF_CRLF = [13, 10, 13, 10];
/** A head is ASCII; any other octet becomes one character (Latin-1) instead of failing the read. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

async function readHead(queue: ByteQueue): Promise<{ status: number; headers: Map<string, string> }> {
  let end = queue.indexOf(CRLF_CRLF);
  while (end < 0) {
    if (queue.length > HEAD_LIMIT_BYTES) throw new Error("the answer's headers are larger than 64 KB");
    if (!(await queue.fill())) throw new Error("the connection closed before a complete HTTP answer");
    end = queue.indexOf(CRLF_CRLF);
  }
  const [statusLine = "", ...lines] = latin1(queue.take(end + 4))
    .slice(0, -4)
    .split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!match) throw new Error("the answer is not HTTP/1.x");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(match[1]), headers };
}

/** Up to `limit` bytes of a body sent with `Transfer-Encoding: chunked`. */
async function readChunked(queue: ByteQueue, limit: number, parts: Uint8Array[]): Promise<void> {
  let size = 0;
  while (size < limit) {
    let lineEnd = queue.indexOf(CRLF);
    while (lineEnd < 0) {
      if (!(await queue.fill())) return;
      lineEnd = queue.indexOf(CRLF);
    }
    const chunkSize = Number.parseInt(latin1(queue.take(lineEnd + 2)), 16);
    if (!Number.isFinite(chunkSize) || chunkSize <= 0) return;
    let remaining = chunkSize;
    while (remaining > 0 && size < limit) {
      if (queue.length === 0 && !(await queue.fill())) return;
      const piece = queue.take(Math.min(remaining, queue.length, limit - size));
      parts.push(piece);
      remaining -= piece.byteLength;
      size += piece.byteLength;
    }
    if (remaining > 0) return;
    while (queue.length < 2) if (!(await queue.fill())) return;
    queue.take(2);
  }
}

/** Up to `limit` bytes of a body delimited by Content-Length, or by the end of the connection. */
async function readPlain(queue: ByteQueue, limit: number, parts: Uint8Array[]): Promise<void> {
  try {
    while (queue.length < limit && (await queue.fill()));
  } finally {
    parts.push(queue.take(Math.min(queue.length, limit)));
  }
}

/**
 * Reads the final answer (interim 1xx answers are skipped) and the first `bodyLimit` bytes of its
 * body. The body is best effort: once the status is known, a connection that breaks keeps the
 * bytes read so far.
 */
export async function readHttp1Answer(next: ReadChunk, bodyLimit: number): Promise<Http1Answer> {
  const queue = new ByteQueue(next);
  let head = await readHead(queue);
  while (head.status >= 100 && head.status < 200 && head.status !== 101) head = await readHead(queue);
  const { status, headers } = head;
  if (status === 204 || status === 304) return { status, body: "" };
  const declared = headers.get("content-length");
  const limit = declared && /^\d+$/.test(declared) ? Math.min(Number(declared), bodyLimit) : bodyLimit;
  const chunked = headers.get("transfer-encoding")?.toLowerCase().split(",").pop()?.trim() === "chunked";
  const parts: Uint8Array[] = [];
  try {
    await (chunked ? readChunked(queue, limit, parts) : readPlain(queue, limit, parts));
  } catch {
    // The status is known; the excerpt keeps what arrived before the connection broke.
  }
  const body = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return { status, body: new TextDecoder().decode(body) };
}
