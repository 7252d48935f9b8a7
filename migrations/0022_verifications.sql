CREATE TABLE "business_verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"legal_name" text NOT NULL,
	"registration_number" text NOT NULL,
	"country" text NOT NULL,
	"incorporation_date" text NOT NULL,
	"registered_address" jsonb NOT NULL,
	"website" text,
	"mcc" text NOT NULL,
	"status" text NOT NULL,
	"registry_check" jsonb,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "individual_verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text,
	"business_verification_id" text,
	"relationship" jsonb,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"date_of_birth" text NOT NULL,
	"address" jsonb,
	"nationality" text,
	"id_number" text,
	"status" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"provider_session_id" text,
	"provider_session_url" text,
	"provider_attempt_id" text,
	"decision_code" integer,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "veriff_decisions" (
	"session_id" text NOT NULL,
	"attempt_id" text NOT NULL,
	"verification_id" text NOT NULL,
	"code" integer NOT NULL,
	"source" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "veriff_decisions_session_id_attempt_id_pk" PRIMARY KEY("session_id","attempt_id")
);
--> statement-breakpoint
CREATE TABLE "verification_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"verification_id" text NOT NULL,
	"type" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "business_verifications_merchant_idx" ON "business_verifications" USING btree ("merchant_id","environment");--> statement-breakpoint
CREATE INDEX "individual_verifications_merchant_created_idx" ON "individual_verifications" USING btree ("merchant_id","environment","created_at","id");--> statement-breakpoint
CREATE INDEX "individual_verifications_business_idx" ON "individual_verifications" USING btree ("business_verification_id");--> statement-breakpoint
CREATE UNIQUE INDEX "individual_verifications_session_idx" ON "individual_verifications" USING btree ("provider_session_id");--> statement-breakpoint
CREATE INDEX "individual_verifications_undecided_idx" ON "individual_verifications" USING btree ("submitted_at") WHERE status = 'submitted';--> statement-breakpoint
CREATE INDEX "verification_documents_verification_idx" ON "verification_documents" USING btree ("verification_id","created_at");