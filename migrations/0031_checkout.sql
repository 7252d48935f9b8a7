CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"status" text NOT NULL,
	"payment_status" text NOT NULL,
	"mode" text NOT NULL,
	"currency" text NOT NULL,
	"amount_total" bigint NOT NULL,
	"line_items" jsonb NOT NULL,
	"customer_id" text,
	"customer_email" text,
	"success_url" text,
	"cancel_url" text,
	"payment_method_types" jsonb NOT NULL,
	"locale" text NOT NULL,
	"allow_promotion_codes" boolean NOT NULL,
	"payment_link_id" text,
	"completion_message" text,
	"payment_claim" text,
	"payment_id" text,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_links" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"code" text NOT NULL,
	"active" boolean NOT NULL,
	"line_items" jsonb NOT NULL,
	"custom_amount" jsonb,
	"payment_method_types" jsonb NOT NULL,
	"after_completion" jsonb NOT NULL,
	"completed_sessions_limit" integer,
	"completed_sessions_count" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "checkout_sessions_merchant_created_idx" ON "checkout_sessions" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "checkout_sessions_open_expiry_idx" ON "checkout_sessions" USING btree ("expires_at") WHERE "checkout_sessions"."status" = 'open';--> statement-breakpoint
CREATE INDEX "checkout_sessions_payment_link_idx" ON "checkout_sessions" USING btree ("payment_link_id");--> statement-breakpoint
CREATE INDEX "payment_links_merchant_created_idx" ON "payment_links" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_links_code_idx" ON "payment_links" USING btree ("environment","code");