CREATE TABLE "bank_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text,
	"holder_name" text NOT NULL,
	"holder_type" text NOT NULL,
	"country" text NOT NULL,
	"currency" text NOT NULL,
	"scheme" text NOT NULL,
	"routing" jsonb NOT NULL,
	"bic" text,
	"last4" text NOT NULL,
	"fingerprint" text NOT NULL,
	"account_number_sealed" text NOT NULL,
	"status" text NOT NULL,
	"verification_method" text,
	"micro_deposit_type" text,
	"micro_deposit_amounts" jsonb,
	"descriptor_code" text,
	"verification_attempts" integer DEFAULT 0 NOT NULL,
	"verification_expires_at" timestamp with time zone,
	"verification_failure_reason" text,
	"verified_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mandates" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"bank_account_id" text NOT NULL,
	"customer_id" text,
	"type" text NOT NULL,
	"reference" text NOT NULL,
	"acceptance" jsonb NOT NULL,
	"revoked_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "bank_accounts_merchant_created_idx" ON "bank_accounts" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "bank_accounts_customer_idx" ON "bank_accounts" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bank_accounts_fingerprint_idx" ON "bank_accounts" USING btree ("merchant_id","environment","fingerprint") WHERE "bank_accounts"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "mandates_merchant_created_idx" ON "mandates" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "mandates_bank_account_idx" ON "mandates" USING btree ("bank_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mandates_reference_idx" ON "mandates" USING btree ("merchant_id","environment","reference");