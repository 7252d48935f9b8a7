CREATE TABLE "payment_methods" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"type" text NOT NULL,
	"customer_id" text,
	"card" jsonb,
	"upi_vpa" text,
	"billing" jsonb NOT NULL,
	"sandbox_behavior" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"detached_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"capture_method" text NOT NULL,
	"customer_id" text,
	"payment_method_id" text,
	"payment_method_type" text,
	"payment_method_details" jsonb,
	"country" text,
	"sandbox_behavior" text,
	"description" text,
	"statement_descriptor" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"return_url" text,
	"next_action" jsonb,
	"action_token" text,
	"routing" jsonb,
	"provider" text,
	"provider_reference" text,
	"confirmations" integer DEFAULT 0 NOT NULL,
	"fee" bigint DEFAULT 0 NOT NULL,
	"amount_capturable" bigint DEFAULT 0 NOT NULL,
	"amount_received" bigint DEFAULT 0 NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"decline_code" text,
	"cancellation_reason" text,
	"canceled_at" timestamp with time zone,
	"available_on" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"provider" text NOT NULL,
	"enabled" boolean NOT NULL,
	"credentials_encrypted" text,
	"credentials_hint" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"action" text NOT NULL,
	"provider" text NOT NULL,
	"currency" text,
	"country" text,
	"percentage" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"payment_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"provider" text NOT NULL,
	"provider_reference" text,
	"failure_code" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "payment_methods_merchant_created_idx" ON "payment_methods" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "payment_methods_customer_idx" ON "payment_methods" USING btree ("merchant_id","environment","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "payments_merchant_created_idx" ON "payments" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_customer_idx" ON "payments" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "payments_settle_due_idx" ON "payments" USING btree ("available_on") WHERE settled_at is null and available_on is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_connections_provider_key" ON "provider_connections" USING btree ("merchant_id","environment","provider");--> statement-breakpoint
CREATE INDEX "routing_rules_merchant_idx" ON "routing_rules" USING btree ("merchant_id","environment","created_at");--> statement-breakpoint
CREATE INDEX "refunds_merchant_created_idx" ON "refunds" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "refunds_payment_idx" ON "refunds" USING btree ("merchant_id","environment","payment_id");