CREATE TABLE "products" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean NOT NULL,
	"tax_code" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"product_id" text NOT NULL,
	"active" boolean NOT NULL,
	"currency" text NOT NULL,
	"recurring_interval" text,
	"recurring_interval_count" integer,
	"pricing_model" text NOT NULL,
	"unit_amount" bigint,
	"package_size" bigint,
	"package_rounding" text,
	"tiers_mode" text,
	"tiers" jsonb,
	"nickname" text,
	"lookup_key" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"name" text,
	"percent_off_basis_points" integer,
	"amount_off" bigint,
	"currency" text,
	"currency_options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"duration" text NOT NULL,
	"duration_in_months" integer,
	"max_redemptions" integer,
	"times_redeemed" integer DEFAULT 0 NOT NULL,
	"redeem_by" timestamp with time zone,
	"applies_to_products" jsonb,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discounts" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"coupon_id" text NOT NULL,
	"promotion_code_id" text,
	"customer_id" text NOT NULL,
	"product_id" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"discount_amount" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_code_customers" (
	"promotion_code_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"times_redeemed" integer NOT NULL,
	CONSTRAINT "promotion_code_customers_promotion_code_id_customer_id_pk" PRIMARY KEY("promotion_code_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "promotion_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"code" text NOT NULL,
	"coupon_id" text NOT NULL,
	"active" boolean NOT NULL,
	"customer_id" text,
	"max_redemptions" integer,
	"times_redeemed" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"first_time_transaction" boolean DEFAULT false NOT NULL,
	"minimum_amount" bigint,
	"minimum_amount_currency" text,
	"max_redemptions_per_customer" integer,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "products_merchant_created_idx" ON "products" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "prices_merchant_created_idx" ON "prices" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "prices_product_idx" ON "prices" USING btree ("merchant_id","environment","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "prices_active_lookup_key_idx" ON "prices" USING btree ("merchant_id","environment","lookup_key") WHERE "prices"."active" and "prices"."lookup_key" is not null;--> statement-breakpoint
CREATE INDEX "coupons_merchant_created_idx" ON "coupons" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "discounts_merchant_created_idx" ON "discounts" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "discounts_customer_idx" ON "discounts" USING btree ("merchant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "promotion_codes_merchant_created_idx" ON "promotion_codes" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "promotion_codes_active_code_idx" ON "promotion_codes" USING btree ("merchant_id","environment",lower("code")) WHERE "promotion_codes"."active";