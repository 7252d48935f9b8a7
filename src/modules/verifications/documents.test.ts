import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { businessInput, createPerson, file, upload } from "../../../test/verifications";

let merchant: TestMerchant;
let other: TestMerchant;
let person: string;

beforeAll(async () => {
  [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
  person = (await createPerson(merchant.sandbox, "Undecided")).id;
});

interface Download {
  url: string;
  expires_at: string;
}

async function documentCount(merchantId: string): Promise<number> {
  const [row] = await query<{ count: number }>(
    "select count(*)::int as count from verification_documents where merchant_id = $1",
    [merchantId],
  );
  return row?.count ?? 0;
}

describe("verification documents", () => {
  it("stores the file outside Postgres and serves it through a short-lived signed URL", async () => {
    const pdf = file("pdf", 4096);
    const created = await merchant.sandbox.request<{
      id: string;
      size: number;
      sha256: string;
      object: string;
    }>("POST", "/verification_documents", {
      verification: person,
      type: "passport",
      mime_type: pdf.mime_type,
      sha256: pdf.sha256,
      content: pdf.content,
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ object: "verification_document", size: 4096, sha256: pdf.sha256 });

    const link = await merchant.sandbox.request<Download>(
      "GET",
      `/verification_documents/${created.body.id}/download_url`,
    );
    expect(link.status).toBe(200);
    const downloaded = await fetch(link.body.url);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(pdf.bytes)).toBe(true);

    const url = new URL(link.body.url);
    const forged = new URL(url);
    forged.searchParams.set("signature", "0".repeat(64));
    expect((await fetch(forged)).status).toBe(404);
    const unsigned = new URL(url);
    unsigned.searchParams.delete("signature");
    expect((await fetch(unsigned)).status).toBe(404);
    const later = new URL(url);
    later.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
    expect((await fetch(later)).status).toBe(404);
    const expired = await fetch(url, { headers: { "x-test-clock-offset-seconds": "301" } });
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe("download_url_expired");
  });

  it("keeps no document bytes in Postgres: only metadata and the storage key", async () => {
    const png = file("png", 2048);
    const marker = png.bytes.subarray(9, 40).toString("latin1");
    const created = await merchant.sandbox.request<{ id: string }>("POST", "/verification_documents", {
      verification: person,
      type: "proof_of_address",
      mime_type: png.mime_type,
      sha256: png.sha256,
      content: png.content,
    });
    expect(created.status).toBe(200);
    const tables = await query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    const needles = [png.content.slice(0, 64), Buffer.from(marker, "latin1").toString("hex"), marker];
    for (const { table_name } of tables) {
      const [hit] = await query<{ count: number }>(
        `select count(*)::int as count from "${table_name}" t where ${needles.map((_, i) => `strpos(t::text, $${i + 1}) > 0`).join(" or ")}`,
        needles,
      );
      expect(hit?.count, table_name).toBe(0);
    }
    const [row] = await query<{ storage_key: string; size: string }>(
      "select storage_key, size from verification_documents where id = $1",
      [created.body.id],
    );
    expect(row?.storage_key).toContain(created.body.id);
  });

  it("refuses a wrong type, a file too large and a hash mismatch, writing nothing", async () => {
    const before = await documentCount(merchant.merchantId);
    const pdf = file("pdf");
    const body = {
      verification: person,
      type: "passport",
      mime_type: pdf.mime_type,
      sha256: pdf.sha256,
      content: pdf.content,
    };
    const big = file("pdf", 512 * 1024 + 1);
    const png = file("png");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: "selfie" }, "document_type_invalid"],
      [{ mime_type: "image/gif" }, "document_type_invalid"],
      [{ mime_type: "image/png" }, "document_type_invalid"],
      [{ content: png.content, sha256: png.sha256 }, "document_type_invalid"],
      [{ content: big.content, sha256: big.sha256 }, "document_too_large"],
      [{ sha256: "0".repeat(64) }, "document_hash_mismatch"],
      [{ sha256: "ABC" }, "parameter_invalid"],
      [{ content: "not base64!" }, "parameter_invalid"],
      [{ content: "" }, "parameter_invalid"],
      [{ verification: "cus_123" }, "parameter_invalid"],
      [{ filename: "x.pdf" }, "parameter_unknown"],
    ];
    for (const [change, code] of cases) {
      expectError(
        await merchant.sandbox.request("POST", "/verification_documents", { ...body, ...change }),
        400,
        code,
      );
    }
    expect(await documentCount(merchant.merchantId)).toBe(before);
  });

  it("another merchant's or environment's verification, document and URL are 404", async () => {
    const document = await upload(merchant.sandbox, person, "id_card", "jpeg");
    for (const client of [other.sandbox, merchant.production]) {
      expectError(
        await client.request("GET", `/verification_documents/${document.id}`),
        404,
        "resource_missing",
      );
      expectError(
        await client.request("GET", `/verification_documents/${document.id}/download_url`),
        404,
        "resource_missing",
      );
      const pdf = file("pdf");
      expectError(
        await client.request("POST", "/verification_documents", {
          verification: person,
          type: "passport",
          mime_type: pdf.mime_type,
          sha256: pdf.sha256,
          content: pdf.content,
        }),
        404,
        "resource_missing",
      );
    }
    const business = await merchant.sandbox.request<{ id: string }>(
      "POST",
      "/account/business_verification",
      businessInput(),
    );
    const pdf = file("pdf");
    expectError(
      await other.sandbox.request("POST", "/verification_documents", {
        verification: business.body.id,
        type: "register_extract",
        mime_type: pdf.mime_type,
        sha256: pdf.sha256,
        content: pdf.content,
      }),
      404,
      "resource_missing",
    );
    // A signed URL for one's own document does not open another's: the signature covers the id.
    const own = await upload(other.sandbox, (await createPerson(other.sandbox, "Undecided")).id, "passport");
    const link = await other.sandbox.request<Download>(
      "GET",
      `/verification_documents/${own.id}/download_url`,
    );
    expect((await fetch(link.body.url.replace(own.id, document.id))).status).toBe(404);
  });
});
