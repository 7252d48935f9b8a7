import { DOCS_BASE_URL, type ErrorCode, errorCatalog, errorExtraFields } from "../../core/errors";

export function listErrorCodes() {
  return Object.entries(errorCatalog).map(([code, entry]) => ({
    code,
    type: entry.type,
    status: entry.status,
    message: entry.message,
    description: entry.description,
    doc_url: `${DOCS_BASE_URL}#${code}`,
    extra_fields: [...(errorExtraFields[code as ErrorCode] ?? [])],
  }));
}
