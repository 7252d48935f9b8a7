CREATE TABLE "subscription_settings" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"retry_days" jsonb NOT NULL,
	"after_final_failure" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "subscription_settings_merchant_id_environment_pk" PRIMARY KEY("merchant_id","environment")
);
