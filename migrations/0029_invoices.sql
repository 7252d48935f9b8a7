CREATE TABLE "invoice_items" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"invoice_id" text,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"quantity" integer NOT NULL,
	"unit_amount" bigint,
	"price_id" text,
	"description" text,
	"tax_rate_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"discountable" boolean NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoice_items_amount_check" CHECK ("invoice_items"."amount" > 0 and "invoice_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "invoice_numbering" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"prefix" text NOT NULL,
	"last_number" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoice_numbering_merchant_id_environment_pk" PRIMARY KEY("merchant_id","environment")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"number" text,
	"currency" text NOT NULL,
	"collection_method" text NOT NULL,
	"days_until_due" integer,
	"due_at" timestamp with time zone,
	"description" text,
	"coupon_id" text,
	"lines" jsonb NOT NULL,
	"taxes" jsonb NOT NULL,
	"subtotal" bigint NOT NULL,
	"discount_amount" bigint NOT NULL,
	"total" bigint NOT NULL,
	"total_excluding_tax" bigint NOT NULL,
	"amount_paid" bigint NOT NULL,
	"paid_out_of_band" boolean NOT NULL,
	"payment_reference" text,
	"payment_id" text,
	"payment_attempt" jsonb,
	"attempt_count" integer NOT NULL,
	"hosted_token" text NOT NULL,
	"finalized_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"marked_uncollectible_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoices_amounts_check" CHECK ("invoices"."subtotal" >= 0 and "invoices"."discount_amount" between 0 and "invoices"."subtotal" and "invoices"."total" >= 0
        and "invoices"."amount_paid" between 0 and "invoices"."total"),
	CONSTRAINT "invoices_status_check" CHECK ("invoices"."status" in ('draft', 'open', 'paid', 'void', 'uncollectible'))
);
--> statement-breakpoint
CREATE TABLE "tax_rates" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"display_name" text NOT NULL,
	"description" text,
	"percentage_micros" integer NOT NULL,
	"inclusive" boolean NOT NULL,
	"jurisdiction" text,
	"country" text,
	"active" boolean NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_items_merchant_created_idx" ON "invoice_items" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "invoice_items_customer_idx" ON "invoice_items" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "invoice_items_invoice_idx" ON "invoice_items" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_merchant_created_idx" ON "invoices" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "invoices" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_idx" ON "invoices" USING btree ("merchant_id","environment","number");--> statement-breakpoint
CREATE INDEX "tax_rates_merchant_created_idx" ON "tax_rates" USING btree ("merchant_id","environment","created_at","id");