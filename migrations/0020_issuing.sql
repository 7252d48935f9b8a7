CREATE TABLE "issuing_sandbox_vault" (
	"card_id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"sealed_card" text NOT NULL,
	"sealed_pin" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuing_authorizations" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"card_id" text NOT NULL,
	"cardholder_id" text NOT NULL,
	"approved" boolean NOT NULL,
	"decline_reason" text,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"pending_amount" bigint NOT NULL,
	"captured_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"funding_mode" text NOT NULL,
	"channel" text NOT NULL,
	"merchant_data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuing_cardholders" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone_number" text,
	"billing_address" jsonb NOT NULL,
	"status" text NOT NULL,
	"spending_controls" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuing_cards" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"cardholder_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"frozen_by" text,
	"currency" text NOT NULL,
	"brand" text NOT NULL,
	"last4" text NOT NULL,
	"exp_month" integer NOT NULL,
	"exp_year" integer NOT NULL,
	"provider" text NOT NULL,
	"provider_decision" jsonb NOT NULL,
	"funding_mode" text NOT NULL,
	"spending_controls" jsonb NOT NULL,
	"shipping" jsonb,
	"pin_set" boolean NOT NULL,
	"replacement_for" text,
	"replacement_reason" text,
	"replaced_by" text,
	"cancellation_reason" text,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuing_reveal_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"card_id" text NOT NULL,
	"purpose" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuing_transactions" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"card_id" text NOT NULL,
	"cardholder_id" text NOT NULL,
	"authorization_id" text,
	"type" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"merchant_data" jsonb NOT NULL,
	"ledger_transaction_id" text NOT NULL,
	"refund_of" text,
	"refunded_amount" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issuing_authorizations" ADD CONSTRAINT "issuing_authorizations_card_id_issuing_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."issuing_cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issuing_cards" ADD CONSTRAINT "issuing_cards_cardholder_id_issuing_cardholders_id_fk" FOREIGN KEY ("cardholder_id") REFERENCES "public"."issuing_cardholders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issuing_reveal_tokens" ADD CONSTRAINT "issuing_reveal_tokens_card_id_issuing_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."issuing_cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issuing_transactions" ADD CONSTRAINT "issuing_transactions_card_id_issuing_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."issuing_cards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issuing_authorizations_merchant_created_idx" ON "issuing_authorizations" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "issuing_authorizations_card_created_idx" ON "issuing_authorizations" USING btree ("card_id","created_at");--> statement-breakpoint
CREATE INDEX "issuing_authorizations_cardholder_created_idx" ON "issuing_authorizations" USING btree ("cardholder_id","created_at");--> statement-breakpoint
CREATE INDEX "issuing_cardholders_merchant_created_idx" ON "issuing_cardholders" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "issuing_cards_merchant_created_idx" ON "issuing_cards" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "issuing_cards_cardholder_idx" ON "issuing_cards" USING btree ("cardholder_id");--> statement-breakpoint
CREATE UNIQUE INDEX "issuing_reveal_tokens_hash_key" ON "issuing_reveal_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "issuing_transactions_merchant_created_idx" ON "issuing_transactions" USING btree ("merchant_id","environment","created_at","id");