CREATE TABLE "service_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"owners" text[] NOT NULL,
	"types" text[] NOT NULL,
	"tql" text NOT NULL,
	"sort_field" text DEFAULT 'dateAdded' NOT NULL,
	"sort_direction" text DEFAULT 'ASC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"azure_cloud" text DEFAULT 'public' NOT NULL,
	"sentinel_api" text DEFAULT 'stix-objects' NOT NULL,
	"tenant_id" text NOT NULL,
	"client_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"client_secret_encrypted" text NOT NULL,
	"client_secret_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source_name" text NOT NULL,
	"threat_connect_base_url" text NOT NULL,
	"threat_connect_access_id" text NOT NULL,
	"threat_connect_secret_key_encrypted" text NOT NULL,
	"threat_connect_secret_key_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"schedule_interval_hours" integer DEFAULT 24 NOT NULL,
	"ttl_hours" jsonb NOT NULL,
	"notification_emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"max_restart_attempts" integer DEFAULT 10 NOT NULL,
	"next_run_mode" text DEFAULT 'full' NOT NULL,
	"last_successful_run_at" timestamp with time zone,
	"queries_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_next_run_mode_check" CHECK ("services"."next_run_mode" in ('delta', 'full'))
);
--> statement-breakpoint
ALTER TABLE "service_queries" ADD CONSTRAINT "service_queries_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_queries" ADD CONSTRAINT "service_queries_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_queries_org_id_idx" ON "service_queries" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_queries_service_position_idx" ON "service_queries" USING btree ("service_id","position");--> statement-breakpoint
CREATE INDEX "services_org_id_idx" ON "services" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "services_org_name_idx" ON "services" USING btree ("org_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "services_org_slug_idx" ON "services" USING btree ("org_id","slug");