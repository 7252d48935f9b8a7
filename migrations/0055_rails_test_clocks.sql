ALTER TABLE "bank_transfers" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
CREATE INDEX "bank_transfers_test_clock_idx" ON "bank_transfers" USING btree ("test_clock_id") WHERE "bank_transfers"."test_clock_id" is not null;--> statement-breakpoint
CREATE INDEX "payouts_test_clock_idx" ON "payouts" USING btree ("test_clock_id") WHERE "payouts"."test_clock_id" is not null;