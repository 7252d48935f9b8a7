CREATE TABLE "requirements_deadline_notices" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"past_due" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "requirements_deadline_notices_merchant_id_environment_pk" PRIMARY KEY("merchant_id","environment")
);
--> statement-breakpoint
ALTER TABLE "business_verifications" ADD COLUMN "review" jsonb;--> statement-breakpoint
ALTER TABLE "individual_verifications" ADD COLUMN "review" jsonb;