CREATE TABLE "subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"test_clock_id" text,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	"interval_count" integer NOT NULL,
	"items" jsonb NOT NULL,
	"collection_method" text NOT NULL,
	"days_until_due" integer,
	"coupon_id" text,
	"coupon_duration" text,
	"coupon_periods" integer,
	"invoices_issued" integer NOT NULL,
	"billing_cycle_anchor" timestamp with time zone NOT NULL,
	"period_index" integer NOT NULL,
	"current_period_start" timestamp with time zone NOT NULL,
	"current_period_end" timestamp with time zone NOT NULL,
	"trial_start" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"trial_will_end_sent" boolean NOT NULL,
	"cancel_at" timestamp with time zone,
	"cancel_at_period_end" boolean NOT NULL,
	"canceled_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"latest_invoice_id" text,
	"failed_attempts" integer NOT NULL,
	"first_failure_at" timestamp with time zone,
	"next_retry_at" timestamp with time zone,
	"next_action_at" timestamp with time zone,
	"version" bigint NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subscriptions_interval_count_check" CHECK ("subscriptions"."interval_count" > 0)
);
--> statement-breakpoint
CREATE TABLE "test_clocks" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"name" text,
	"frozen_time" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_items" DROP CONSTRAINT "invoice_items_amount_check";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
CREATE INDEX "subscriptions_merchant_created_idx" ON "subscriptions" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "subscriptions_customer_idx" ON "subscriptions" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "subscriptions_due_idx" ON "subscriptions" USING btree ("next_action_at") WHERE "subscriptions"."test_clock_id" is null and "subscriptions"."next_action_at" is not null;--> statement-breakpoint
CREATE INDEX "subscriptions_clock_due_idx" ON "subscriptions" USING btree ("test_clock_id","next_action_at") WHERE "subscriptions"."test_clock_id" is not null;--> statement-breakpoint
CREATE INDEX "test_clocks_merchant_created_idx" ON "test_clocks" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "test_clocks_created_idx" ON "test_clocks" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_amount_check" CHECK ("invoice_items"."amount" <> 0 and "invoice_items"."quantity" > 0);