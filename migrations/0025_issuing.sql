ALTER TABLE "issuing_authorizations" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "issuing_authorizations" ADD COLUMN "reason_codes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "issuing_cardholders" ADD COLUMN "customer_id" text;--> statement-breakpoint
ALTER TABLE "issuing_cards" ADD COLUMN "authorization_timeout_ms" integer DEFAULT 1500 NOT NULL;--> statement-breakpoint
ALTER TABLE "issuing_cards" ADD COLUMN "authorization_on_timeout" text DEFAULT 'decline' NOT NULL;