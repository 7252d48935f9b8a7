ALTER TABLE "invoices" ADD COLUMN "auto_finalize_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "usage_marks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "collect_invoice_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "collect_invoice_at" timestamp with time zone;