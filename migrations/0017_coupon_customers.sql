CREATE TABLE "coupon_customers" (
	"merchant_id" text NOT NULL,
	"environment" text NOT NULL,
	"customer_id" text NOT NULL,
	"first_redeemed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "coupon_customers_merchant_id_environment_customer_id_pk" PRIMARY KEY("merchant_id","environment","customer_id")
);
