CREATE TABLE "payout_schedules" (
	"id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"interval" text NOT NULL,
	"weekly_anchor" text,
	"monthly_anchor" integer,
	"minimum_amount" bigint NOT NULL,
	"bank_account_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payout_schedules_merchant_id_environment_pk" PRIMARY KEY("merchant_id","environment"),
	CONSTRAINT "payout_schedules_id_unique" UNIQUE("id")
);
--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "schedule_period_end" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_schedule_period_key" ON "payouts" USING btree ("merchant_id","environment","currency","schedule_period_end") WHERE "payouts"."schedule_period_end" is not null;