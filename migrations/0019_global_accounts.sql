CREATE TABLE "global_account_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"global_account_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"payer_name" text NOT NULL,
	"payer_iban" text,
	"payer_account_number" text,
	"reference" text,
	"status" text NOT NULL,
	"return_reason" text,
	"ledger_source" text,
	"conversion_id" text,
	"converted_amount" bigint,
	"converted_currency" text,
	"conversion_failure" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "global_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"country" text NOT NULL,
	"currency" text NOT NULL,
	"scheme" text NOT NULL,
	"routing" jsonb NOT NULL,
	"iban" text,
	"bic" text,
	"account_number" text NOT NULL,
	"details_key" text NOT NULL,
	"auto_convert_to" text,
	"status" text NOT NULL,
	"closed_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "global_account_transfers_account_idx" ON "global_account_transfers" USING btree ("merchant_id","environment","global_account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "global_accounts_merchant_created_idx" ON "global_accounts" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "global_accounts_details_idx" ON "global_accounts" USING btree ("environment","details_key");