CREATE TABLE "settlement_items" (
	"id" text PRIMARY KEY NOT NULL,
	"settlement_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"currency" text NOT NULL,
	"reporting_category" text NOT NULL,
	"source_id" text NOT NULL,
	"gross" bigint NOT NULL,
	"fee" bigint NOT NULL,
	"net" bigint NOT NULL,
	"available_on" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_schedules" (
	"id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"interval" text NOT NULL,
	"weekly_anchor" text,
	"cron" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "settlement_schedules_merchant_id_environment_pk" PRIMARY KEY("merchant_id","environment"),
	CONSTRAINT "settlement_schedules_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"gross" bigint NOT NULL,
	"refunds" bigint NOT NULL,
	"fees" bigint NOT NULL,
	"adjustments" bigint NOT NULL,
	"net" bigint NOT NULL,
	"charge_count" integer NOT NULL,
	"refund_count" integer NOT NULL,
	"ledger_transaction_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "settlement_items_settlement_idx" ON "settlement_items" USING btree ("settlement_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_period_key" ON "settlements" USING btree ("merchant_id","environment","currency","period_end");--> statement-breakpoint
CREATE INDEX "settlements_merchant_created_idx" ON "settlements" USING btree ("merchant_id","environment","created_at","id");