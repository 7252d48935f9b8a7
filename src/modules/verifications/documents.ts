import { eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, recordChange } from "../../core/events";
import { hasPrefix, newId } from "../../core/ids";
import { tenantRow } from "../../core/tenancy";
import { lockAccountState, requirementsChange } from "./account";
import { findIndividual, verificationMissing } from "./individual";
import { toDocument } from "./objects";
import {
  type CreateDocumentInput,
  type DocumentMimeType,
  MAX_DOCUMENT_BYTES,
  type VerificationDocument,
} from "./schemas";
import { type DocumentType, type VerificationDocumentRow, verificationDocuments } from "./tables";

/** The bytes each accepted file type starts with: the declared type must match the file. */
const MAGIC: Record<DocumentMimeType, number[]> = {
  "application/pdf": [0x25, 0x50, 0x44, 0x46],
  "image/jpeg": [0xff, 0xd8, 0xff],
  "image/png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

function decodeBase64(content: string): Uint8Array {
  try {
    return Uint8Array.from(atob(content), (char) => char.charCodeAt(0));
  } catch {
    throw new ApiError("parameter_invalid", { param: "content", message: "Not valid base64." });
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Size, hash and file type, checked before anything is stored. */
async function checkedFile(input: CreateDocumentInput): Promise<Uint8Array> {
  const bytes = decodeBase64(input.content);
  if (bytes.length === 0)
    throw new ApiError("parameter_invalid", { param: "content", message: "The file is empty." });
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new ApiError("document_too_large", { param: "content" });
  if ((await sha256Hex(bytes)) !== input.sha256)
    throw new ApiError("document_hash_mismatch", { param: "sha256" });
  const magic = MAGIC[input.mime_type as DocumentMimeType];
  if (!magic.every((byte, index) => bytes[index] === byte)) {
    throw new ApiError("document_type_invalid", {
      param: "content",
      message: `The file is not ${input.mime_type}.`,
    });
  }
  return bytes;
}

/**
 * Uploads a document: the bytes go to the object store (R2) first, then its metadata and storage key
 * to Postgres with the event. A business's document may change what the account still owes, so it
 * is written under the business row's lock with the requirements event; a person's in one batch.
 */
export async function createVerificationDocument({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateDocumentInput;
}): Promise<VerificationDocument> {
  const bytes = await checkedFile(input);
  const business = hasPrefix(input.verification, "businessVerification");
  if (!business) {
    const person = await findIndividual(ctx, input.verification, "verification");
    if (person.status === "approved" || person.status === "declined") {
      throw new ApiError("verification_state_invalid", {
        param: "verification",
        message: `Documents cannot be added to a verification that is ${person.status}.`,
      });
    }
  }
  const id = newId("verificationDocument");
  const row: VerificationDocumentRow = {
    id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    verificationId: input.verification,
    type: input.type as DocumentType,
    mimeType: input.mime_type,
    size: bytes.length,
    sha256: input.sha256,
    storageKey: `verification-documents/${ctx.environment}/${ctx.merchantId}/${id}`,
    createdAt: ctx.services.clock.now(),
  };
  const document = toDocument(row);
  const change = { type: "verification.document_added", object: document };
  if (!business) {
    await ctx.services.objects.put(row.storageKey, bytes, row.mimeType);
    const { db } = ctx.services;
    await runBatch(
      ctx.services,
      [db.insert(verificationDocuments).values(row), db.execute(changeStatement(ctx, change))],
      { response: document },
    );
    return document;
  }
  return ctx.services.transaction(async (tx) => {
    const before = await lockAccountState(ctx, tx);
    if (before.business?.id !== input.verification)
      throw verificationMissing(input.verification, "verification");
    // A declined business may still be corrected and resubmitted, with new documents.
    if (before.business.status === "approved") {
      throw new ApiError("verification_state_invalid", {
        param: "verification",
        message: "Documents cannot be added to a business verification that is approved.",
      });
    }
    // Stored before the row that points at it commits; a rollback leaves an unreferenced object.
    await ctx.services.objects.put(row.storageKey, bytes, row.mimeType);
    await tx.insert(verificationDocuments).values(row);
    await recordChange(ctx, change, tx);
    const requirements = requirementsChange(ctx, before, {
      ...before,
      documentTypes: [...before.documentTypes, row.type],
    });
    if (requirements) await tx.execute(requirements);
    return document;
  });
}

async function findDocument(ctx: ServiceContext, id: string): Promise<VerificationDocumentRow> {
  const [row] = await ctx.services.db
    .select()
    .from(verificationDocuments)
    .where(tenantRow(verificationDocuments, ctx, id))
    .limit(1);
  if (!row) throw notFound("document", id);
  return row;
}

export async function retrieveVerificationDocument({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<VerificationDocument> {
  return toDocument(await findDocument(ctx, id));
}

const encoder = new TextEncoder();

async function urlKey(services: Services): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(services.config.DOCUMENT_URL_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A short-lived signed URL for the document's bytes: HMAC of the id and the expiry. */
export async function documentDownloadUrl({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const row = await findDocument(ctx, id);
  const { config } = ctx.services;
  const expires = Math.floor(ctx.services.clock.now().getTime() / 1000) + config.DOCUMENT_URL_TTL_SECONDS;
  const mac = await crypto.subtle.sign(
    "HMAC",
    await urlKey(ctx.services),
    encoder.encode(`${row.id}.${expires}`),
  );
  const url = new URL(`/files/verification_documents/${row.id}`, config.PUBLIC_URL);
  url.searchParams.set("expires", String(expires));
  url.searchParams.set("signature", hex(mac));
  return {
    object: "document_download_url" as const,
    document: row.id,
    url: url.toString(),
    expires_at: new Date(expires * 1000).toISOString(),
  };
}

/**
 * The file behind a signed URL. A wrong or missing signature is a 404 like an unknown id (the URL
 * reveals nothing); a good signature past its expiry is a 410.
 */
export async function signedDocumentFile(
  services: Services,
  id: string,
  query: { expires: string | undefined; signature: string | undefined },
): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string; document: VerificationDocumentRow }> {
  const missing = new ApiError("resource_missing", { message: "No such file." });
  const expires = Number(query.expires);
  const signature = query.signature ?? "";
  if (!Number.isSafeInteger(expires) || !/^[0-9a-f]{64}$/.test(signature)) throw missing;
  const mac = Uint8Array.from(signature.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  const valid = await crypto.subtle.verify(
    "HMAC",
    await urlKey(services),
    mac,
    encoder.encode(`${id}.${expires}`),
  );
  if (!valid) throw missing;
  if (services.clock.now().getTime() > expires * 1000) throw new ApiError("download_url_expired");
  const [document] = await services.db
    .select()
    .from(verificationDocuments)
    .where(eq(verificationDocuments.id, id))
    .limit(1);
  const stored = document ? await services.objects.get(document.storageKey) : null;
  if (!document || !stored) throw missing;
  return { bytes: stored.bytes, contentType: document.mimeType, document };
}
