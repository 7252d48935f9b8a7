import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDoh, startLocalDoh } from "../../../scripts/local-stack/doh";
import { resolveHost } from "./dns";

let doh: LocalDoh;

beforeAll(async () => {
  doh = await startLocalDoh();
});

afterAll(async () => {
  await doh.close();
});

describe("resolveHost (DNS over HTTPS, JSON)", () => {
  it("returns every A and AAAA address", async () => {
    doh.setRecords("both.example.net", {
      A: ["93.184.215.14"],
      AAAA: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    });
    expect(await resolveHost({ url: doh.url, timeoutMs: 5_000 }, "both.example.net.")).toEqual({
      ok: true,
      addresses: ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    });
  });

  it("resolves the names that point at loopback as the public services do", async () => {
    expect(await resolveHost({ url: doh.url, timeoutMs: 5_000 }, "127.0.0.1.nip.io")).toEqual({
      ok: true,
      addresses: ["127.0.0.1"],
    });
    expect(await resolveHost({ url: doh.url, timeoutMs: 5_000 }, "localtest.me")).toEqual({
      ok: true,
      addresses: ["127.0.0.1"],
    });
    expect(await resolveHost({ url: doh.url, timeoutMs: 5_000 }, "app.10-0-0-1.sslip.io")).toEqual({
      ok: true,
      addresses: ["10.0.0.1"],
    });
  });

  it("tells a missing name and a failing resolver apart from an answer", async () => {
    expect(await resolveHost({ url: doh.url, timeoutMs: 5_000 }, "missing.example.net")).toMatchObject({
      ok: false,
      kind: "nxdomain",
    });
    expect(
      await resolveHost({ url: "http://127.0.0.1:9/dns-query", timeoutMs: 5_000 }, "example.net"),
    ).toMatchObject({
      ok: false,
      kind: "error",
    });
  });
});
