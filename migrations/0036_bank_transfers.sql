CREATE TABLE "bank_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"direction" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"rail" text NOT NULL,
	"bank_account_id" text NOT NULL,
	"customer_id" text,
	"mandate_id" text,
	"statement_descriptor" text,
	"status" text NOT NULL,
	"window_at" timestamp with time zone NOT NULL,
	"arrival_date" text NOT NULL,
	"return_deadline" text NOT NULL,
	"available_on" text,
	"submission_id" text,
	"failure_code" text,
	"failure_message" text,
	"submitted_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"funds_available_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "bank_transfers_merchant_created_idx" ON "bank_transfers" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "bank_transfers_status_window_idx" ON "bank_transfers" USING btree ("status","window_at");--> statement-breakpoint
CREATE INDEX "bank_transfers_status_arrival_idx" ON "bank_transfers" USING btree ("status","arrival_date");