CREATE TABLE "meters" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"display_name" text NOT NULL,
	"formula" text NOT NULL,
	"unique_property" text,
	"filter" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"group_by" text,
	"active" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"meter_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"identifier" text NOT NULL,
	"value" numeric NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "meters_merchant_created_idx" ON "meters" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_identifier_idx" ON "usage_records" USING btree ("merchant_id","environment","identifier");--> statement-breakpoint
CREATE INDEX "usage_records_meter_customer_idx" ON "usage_records" USING btree ("merchant_id","environment","meter_id","customer_id","timestamp");