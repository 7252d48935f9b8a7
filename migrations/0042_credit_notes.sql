CREATE TABLE "credit_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"invoice_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"number" text NOT NULL,
	"sequence" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"type" text NOT NULL,
	"lines" jsonb NOT NULL,
	"total" bigint NOT NULL,
	"refund_amount" bigint NOT NULL,
	"out_of_band_amount" bigint NOT NULL,
	"refund_id" text,
	"reason" text,
	"memo" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"voided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "credit_notes_amounts_check" CHECK ("credit_notes"."total" > 0 and "credit_notes"."refund_amount" >= 0 and "credit_notes"."out_of_band_amount" >= 0
        and ("credit_notes"."type" = 'pre_payment' and "credit_notes"."refund_amount" = 0 and "credit_notes"."out_of_band_amount" = 0
          or "credit_notes"."type" = 'post_payment' and "credit_notes"."refund_amount" + "credit_notes"."out_of_band_amount" = "credit_notes"."total")),
	CONSTRAINT "credit_notes_status_check" CHECK ("credit_notes"."status" in ('issued', 'void'))
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "pre_payment_credit_notes_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "post_payment_credit_notes_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "credit_note_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "credit_notes_merchant_created_idx" ON "credit_notes" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "credit_notes_customer_idx" ON "credit_notes" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_notes_invoice_sequence_idx" ON "credit_notes" USING btree ("invoice_id","sequence");--> statement-breakpoint
CREATE INDEX "credit_notes_unlinked_idx" ON "credit_notes" USING btree ("created_at") WHERE refund_amount > 0 and refund_id is null and status = 'issued';--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_credit_notes_check" CHECK ("invoices"."pre_payment_credit_notes_amount" >= 0 and "invoices"."post_payment_credit_notes_amount" >= 0
        and "invoices"."pre_payment_credit_notes_amount" + "invoices"."post_payment_credit_notes_amount" <= "invoices"."total"
        and "invoices"."pre_payment_credit_notes_amount" + "invoices"."amount_paid" <= "invoices"."total");