CREATE TABLE "sent_daily_counts" (
	"service_id" uuid NOT NULL,
	"day" date NOT NULL,
	"indicator_type" text NOT NULL,
	"org_id" uuid NOT NULL,
	"sent_count" integer DEFAULT 0 NOT NULL,
	"revoked_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sent_daily_counts_service_id_day_indicator_type_pk" PRIMARY KEY("service_id","day","indicator_type")
);
--> statement-breakpoint
ALTER TABLE "sent_daily_counts" ADD CONSTRAINT "sent_daily_counts_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_daily_counts" ADD CONSTRAINT "sent_daily_counts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sent_daily_counts_org_day_idx" ON "sent_daily_counts" USING btree ("org_id","day");