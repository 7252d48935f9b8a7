ALTER TABLE "invoices" ADD COLUMN "auto_finalize_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "collect_invoice_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "collect_invoice_at" timestamp with time zone;