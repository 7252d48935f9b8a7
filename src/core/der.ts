/**
 * A minimal DER reader (X.690) for the few structures the API verifies itself: X.509
 * certificates, PKCS#7 signed data, ECDSA signatures. It reads definite lengths only (DER has no
 * other) and raises DerError on anything malformed, so callers answer a 4xx.
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

export interface DerNode {
  tag: number;
  /** The whole element, tag and length included (what a signature covers). */
  bytes: Uint8Array;
  content: Uint8Array;
}

export const derTags = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Context-specific tag [n], constructed (explicit or implicit constructed types). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

/** The element at `offset` of `bytes`. */
export function readDer(bytes: Uint8Array, offset = 0): DerNode {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) throw new DerError("truncated element");
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not supported");
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError("unsupported length");
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[offset + 2 + i];
      if (byte === undefined) throw new DerError("truncated length");
      length = length * 256 + byte;
    }
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new DerError("element longer than its container");
  return { tag, bytes: bytes.subarray(offset, end), content: bytes.subarray(offset + header, end) };
}

/** Reads exactly one element spanning all of `bytes`. */
export function parseDer(bytes: Uint8Array): DerNode {
  const node = readDer(bytes);
  if (node.bytes.length !== bytes.length) throw new DerError("trailing bytes after the element");
  return node;
}

/** The elements inside a constructed element. */
export function childrenOf(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw new DerError("not a constructed element");
  const children: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readDer(node.content, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}

/** The node, checked to carry `tag`. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`expected ${what}`);
  return node;
}

/** An OBJECT IDENTIFIER's dotted text. */
export function oidOf(node: DerNode | undefined): string {
  const { content } = expectTag(node, derTags.oid, "an object identifier");
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const [head = 0, ...rest] = parts;
  const first = head < 80 ? Math.floor(head / 40) : 2;
  return [first, head - first * 40, ...rest].join(".");
}

/** A UTCTime or GeneralizedTime (UTC, "Z" form, as DER requires). */
export function timeOf(node: DerNode | undefined): Date {
  if (!node) throw new DerError("expected a time");
  const text = new TextDecoder().decode(node.content);
  const match =
    node.tag === derTags.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === derTags.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text)
        : null;
  if (!match) throw new DerError("expected a UTC time");
  const [, y = "", mo = "", d = "", h = "", mi = "", s = ""] = match;
  const year = node.tag === derTags.utcTime ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** A BIT STRING's bits (whole bytes only, as keys and signatures are). */
export function bitStringOf(node: DerNode | undefined): Uint8Array {
  const { content } = expectTag(node, derTags.bitString, "a bit string");
  if (content[0] !== 0) throw new DerError("bit string with unused bits");
  return content.subarray(1);
}

/** An ECDSA-Sig-Value (DER SEQUENCE of r, s) as the r ‖ s form WebCrypto verifies. */
export function ecdsaSignatureToRaw(der: Uint8Array, coordinateBytes: number): Uint8Array {
  const [r, s, extra] = childrenOf(expectTag(parseDer(der), derTags.sequence, "an ECDSA signature"));
  if (extra) throw new DerError("unexpected element in an ECDSA signature");
  const raw = new Uint8Array(coordinateBytes * 2);
  [r, s].forEach((part, index) => {
    let value = expectTag(part, derTags.integer, "an integer").content;
    while (value.length > coordinateBytes && value[0] === 0) value = value.subarray(1);
    if (value.length > coordinateBytes) throw new DerError("ECDSA signature part too long");
    raw.set(value, coordinateBytes * (index + 1) - value.length);
  });
  return raw;
}
