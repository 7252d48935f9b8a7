CREATE TABLE "payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"fee" bigint NOT NULL,
	"method" text NOT NULL,
	"rail" text NOT NULL,
	"bank_account_id" text NOT NULL,
	"statement_descriptor" text,
	"status" text NOT NULL,
	"window_at" timestamp with time zone NOT NULL,
	"arrival_date" text NOT NULL,
	"return_deadline" text NOT NULL,
	"batch_id" text,
	"failure_code" text,
	"failure_message" text,
	"submitted_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "payouts_merchant_created_idx" ON "payouts" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "payouts_status_window_idx" ON "payouts" USING btree ("status","window_at");--> statement-breakpoint
CREATE INDEX "payouts_status_arrival_idx" ON "payouts" USING btree ("status","arrival_date");