DROP INDEX "settlements_period_key";--> statement-breakpoint
ALTER TABLE "settlements" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_period_key" ON "settlements" USING btree ("merchant_id","environment","currency","period_end",coalesce("test_clock_id", ''));