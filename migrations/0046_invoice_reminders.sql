CREATE TABLE "email_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"to" text NOT NULL,
	"template" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text,
	"tags" jsonb NOT NULL,
	"related_object" text,
	"status" text NOT NULL,
	"failure_reason" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_reminders" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"invoice_id" text NOT NULL,
	"kind" text NOT NULL,
	"offset_days" integer NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"email_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoice_reminders_kind_check" CHECK ("invoice_reminders"."kind" in ('before_due', 'after_due'))
);
--> statement-breakpoint
ALTER TABLE "invoice_numbering" ADD COLUMN "reminder_before_due_days" integer[] DEFAULT '{3}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_numbering" ADD COLUMN "reminder_after_due_days" integer[] DEFAULT '{1,7,14}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "invoice_numbering" ADD COLUMN "reminders_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "email_outbox_merchant_created_idx" ON "email_outbox" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "email_outbox_related_idx" ON "email_outbox" USING btree ("related_object");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_reminders_invoice_kind_offset_idx" ON "invoice_reminders" USING btree ("invoice_id","kind","offset_days");--> statement-breakpoint
CREATE INDEX "invoices_open_due_idx" ON "invoices" USING btree ("due_at") WHERE "invoices"."status" = 'open' and "invoices"."due_at" is not null;