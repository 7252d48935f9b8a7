CREATE TABLE "fx_conversions" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"quote_id" text NOT NULL,
	"sell_currency" text NOT NULL,
	"buy_currency" text NOT NULL,
	"sell_amount" bigint NOT NULL,
	"buy_amount" bigint NOT NULL,
	"rate" text NOT NULL,
	"mid_rate" text NOT NULL,
	"markup_bps" integer NOT NULL,
	"markup_amount" bigint NOT NULL,
	"status" text NOT NULL,
	"ledger_transaction_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fx_quotes" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"sell_currency" text NOT NULL,
	"buy_currency" text NOT NULL,
	"sell_amount" bigint NOT NULL,
	"buy_amount" bigint NOT NULL,
	"rate" text NOT NULL,
	"mid_rate" text NOT NULL,
	"markup_bps" integer NOT NULL,
	"mid_buy_amount" bigint NOT NULL,
	"snapshot_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fx_rate_snapshots" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"base" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"rates" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fx_settings" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"markup_bps" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fx_conversions_quote_key" ON "fx_conversions" USING btree ("quote_id");--> statement-breakpoint
CREATE INDEX "fx_conversions_merchant_created_idx" ON "fx_conversions" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "fx_quotes_merchant_created_idx" ON "fx_quotes" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "fx_rate_snapshots_source_observed_key" ON "fx_rate_snapshots" USING btree ("source","observed_at");--> statement-breakpoint
CREATE INDEX "fx_rate_snapshots_fetched_idx" ON "fx_rate_snapshots" USING btree ("fetched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "fx_settings_merchant_key" ON "fx_settings" USING btree ("merchant_id","environment");