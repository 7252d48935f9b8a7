import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type EmailOutboxRow, emailOutbox } from "../../core/email-outbox";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import type { ListSandboxEmailsQuery, SandboxEmail } from "./schemas";

/**
 * The sandbox outbox: what the sandbox mailer kept instead of sending (src/core/email-outbox.ts).
 * Only reached with sandbox credentials (the /sandbox/ guard), so the scope is the sandbox's.
 */
export function toSandboxEmail(row: EmailOutboxRow): SandboxEmail {
  return {
    id: row.id,
    object: "email",
    environment: row.environment,
    to: row.to,
    template: row.template,
    subject: row.subject,
    text: row.text,
    html: row.html,
    tags: row.tags,
    related_object: row.relatedObject,
    status: row.status,
    created_at: row.createdAt.toISOString(),
  };
}

export async function listSandboxEmails({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListSandboxEmailsQuery;
}): Promise<ListPage<SandboxEmail>> {
  const filters = tenantScope(emailOutbox, ctx);
  if (query.to) filters.push(eq(emailOutbox.to, query.to));
  if (query.invoice) filters.push(eq(emailOutbox.relatedObject, query.invoice));
  const page = await paginateTable({
    db: ctx.services.db,
    table: emailOutbox,
    scope: filters,
    tenantScope: tenantScope(emailOutbox, ctx),
    query,
  });
  return { data: page.data.map(toSandboxEmail), hasMore: page.hasMore };
}
