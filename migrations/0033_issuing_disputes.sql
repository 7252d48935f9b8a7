CREATE TABLE "issuing_disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"transaction_id" text NOT NULL,
	"card_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"ledger_transaction_id" text,
	"metadata" jsonb NOT NULL,
	"submitted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issuing_transactions" ADD COLUMN "disputed_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issuing_disputes" ADD CONSTRAINT "issuing_disputes_transaction_id_issuing_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."issuing_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "issuing_disputes_transaction_idx" ON "issuing_disputes" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "issuing_disputes_merchant_created_idx" ON "issuing_disputes" USING btree ("merchant_id","environment","created_at","id");