import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inCloudflareNetwork } from "./cloudflare-network";
import { encodeHttp1Post, readHttp1Answer } from "./http1";

const encoder = new TextEncoder();

/** The answer's bytes, handed over in the given chunk sizes (the rest in one chunk). */
function chunks(text: string, sizes: number[] = []): () => Promise<Uint8Array | undefined> {
  let bytes = encoder.encode(text);
  let index = 0;
  return async () => {
    if (bytes.byteLength === 0) return undefined;
    const size = sizes[index++] ?? bytes.byteLength;
    const chunk = bytes.subarray(0, Math.max(1, size));
    bytes = bytes.subarray(chunk.byteLength);
    return chunk;
  };
}

describe("encodeHttp1Post", () => {
  it("writes the URL's path, query and Host, the body's byte length, and closes after the answer", () => {
    const bytes = encodeHttp1Post({
      url: new URL("https://hooks.example.com:8443/in/é?x=1"),
      headers: { "content-type": "application/json", "webhook-id": "msg_1" },
      body: '{"a":"ü"}',
    });
    expect(new TextDecoder().decode(bytes)).toBe(
      "POST /in/%C3%A9?x=1 HTTP/1.1\r\n" +
        "host: hooks.example.com:8443\r\n" +
        "content-type: application/json\r\n" +
        "webhook-id: msg_1\r\n" +
        "content-length: 10\r\n" +
        "connection: close\r\n\r\n" +
        '{"a":"ü"}',
    );
  });
});

describe("readHttp1Answer", () => {
  it("reads the status and a Content-Length body", async () => {
    const answer = await readHttp1Answer(
      chunks("HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nhello and more"),
      1024,
    );
    expect(answer).toEqual({ status: 202, body: "hello" });
  });

  it("reads a chunked body, skips interim 100 answers, and keeps at most the limit", async () => {
    const text =
      "HTTP/1.1 100 Continue\r\n\r\n" +
      "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "6;ext=1\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
    expect(await readHttp1Answer(chunks(text), 1024)).toEqual({ status: 500, body: "hello world" });
    expect(await readHttp1Answer(chunks(text), 8)).toEqual({ status: 500, body: "hello wo" });
  });

  it("gives the same answer however the bytes are split", async () => {
    const bodies = fc.string({ maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }),
        async (body, chunked, sizes) => {
          const bytes = encoder.encode(body);
          const framed = chunked
            ? `Transfer-Encoding: chunked\r\n\r\n${bytes.byteLength.toString(16)}\r\n${body}\r\n0\r\n\r\n`
            : `Content-Length: ${bytes.byteLength}\r\n\r\n${body}`;
          const answer = await readHttp1Answer(chunks(`HTTP/1.1 200 OK\r\n${framed}`, sizes), 1_000_000);
          expect(answer).toEqual({ status: 200, body });
        },
      ),
    );
  });

  it("reads to the end of the connection when no length is given, and keeps a broken body's start", async () => {
    expect(await readHttp1Answer(chunks("HTTP/1.0 200 OK\r\n\r\nuntil close"), 1024)).toEqual({
      status: 200,
      body: "until close",
    });
    let calls = 0;
    const broken = async () => {
      calls += 1;
      if (calls === 1) return encoder.encode("HTTP/1.1 503 Busy\r\nContent-Length: 100\r\n\r\npartial");
      throw new Error("connection reset");
    };
    expect(await readHttp1Answer(broken, 1024)).toEqual({ status: 503, body: "partial" });
  });

  it("a 204 has no body to wait for", async () => {
    let reads = 0;
    const next = async () => {
      reads += 1;
      return reads === 1 ? encoder.encode("HTTP/1.1 204 No Content\r\n\r\n") : new Promise<never>(() => {});
    };
    expect(await readHttp1Answer(next, 1024)).toEqual({ status: 204, body: "" });
  });

  it("refuses what is not an HTTP/1.x answer, a head over 64 KB, and a connection closed before the head", async () => {
    await expect(readHttp1Answer(chunks("SSH-2.0-OpenSSH_9.6\r\n\r\n"), 1024)).rejects.toThrow(
      "not HTTP/1.x",
    );
    await expect(
      readHttp1Answer(
        chunks(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}\r\n\r\n`, Array(30).fill(4096)),
        1024,
      ),
    ).rejects.toThrow("larger than 64 KB");
    await expect(readHttp1Answer(chunks("HTTP/1.1 200 OK\r\n"), 1024)).rejects.toThrow(
      "closed before a complete HTTP answer",
    );
  });
});

describe("inCloudflareNetwork", () => {
  it("knows Cloudflare's published ranges, IPv4 and IPv6, and nothing else", () => {
    for (const address of [
      "104.16.132.229",
      "172.67.1.1",
      "162.159.0.1",
      "2606:4700::6810:84e5",
      "2a06:98c7::1",
    ]) {
      expect(inCloudflareNetwork(address), address).toBe(true);
    }
    for (const address of [
      "93.184.215.14",
      "104.32.0.1",
      "127.0.0.1",
      "2607:f8b0::1",
      "2a06:98d0::1",
      "nope",
    ]) {
      expect(inCloudflareNetwork(address), address).toBe(false);
    }
  });
});
