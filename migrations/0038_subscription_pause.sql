ALTER TABLE "subscriptions" ADD COLUMN "pause_behavior" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "pause_resumes_at" timestamp with time zone;