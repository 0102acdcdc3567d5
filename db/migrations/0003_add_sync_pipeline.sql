CREATE TABLE "job_errors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"source" text NOT NULL,
	"indicator_id" text,
	"indicator_type" text,
	"indicator_value" text,
	"owner_name" text,
	"field" text,
	"message" text NOT NULL,
	"fingerprint" text NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"mode" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"phase" text DEFAULT 'queued' NOT NULL,
	"run_id" text,
	"restart_of" uuid,
	"attempt" integer DEFAULT 0 NOT NULL,
	"indicator_ids" text[],
	"queries" jsonb,
	"modified_since" timestamp (3) with time zone,
	"fetched_count" integer DEFAULT 0 NOT NULL,
	"download_rejected_count" integer DEFAULT 0 NOT NULL,
	"duplicate_count" integer DEFAULT 0 NOT NULL,
	"unchanged_count" integer DEFAULT 0 NOT NULL,
	"to_send_count" integer DEFAULT 0 NOT NULL,
	"keep_alive_count" integer DEFAULT 0 NOT NULL,
	"sent_count" integer DEFAULT 0 NOT NULL,
	"revoked_count" integer DEFAULT 0 NOT NULL,
	"rejected_count" integer DEFAULT 0 NOT NULL,
	"mapping_error_count" integer DEFAULT 0 NOT NULL,
	"deleted_count" integer DEFAULT 0 NOT NULL,
	"batch_count" integer DEFAULT 0 NOT NULL,
	"batches_remaining" integer DEFAULT 0 NOT NULL,
	"to_send_by_type" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" in ('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "principal_pacing" (
	"principal_key" text PRIMARY KEY NOT NULL,
	"last_accepted_start_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sent_state" (
	"service_id" uuid NOT NULL,
	"workspace_id" text NOT NULL,
	"indicator_key" text NOT NULL,
	"org_id" uuid NOT NULL,
	"stix_id" text NOT NULL,
	"revocation_generation" integer DEFAULT 0 NOT NULL,
	"content_hash" text NOT NULL,
	"valid_until" timestamp (3) with time zone,
	"revoked" boolean DEFAULT false NOT NULL,
	"last_modified_sent" timestamp (3) with time zone NOT NULL,
	"last_sent_at" timestamp (3) with time zone NOT NULL,
	"tc_id" text,
	"query_position" integer NOT NULL,
	"indicator_type" text NOT NULL,
	"indicator_value" text NOT NULL,
	"owner_name" text NOT NULL,
	"object" jsonb NOT NULL,
	CONSTRAINT "sent_state_service_id_workspace_id_indicator_key_pk" PRIMARY KEY("service_id","workspace_id","indicator_key")
);
--> statement-breakpoint
CREATE TABLE "service_sync_state" (
	"service_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"last_started_at" timestamp (3) with time zone,
	"delta_cursor" timestamp (3) with time zone,
	"last_succeeded_at" timestamp (3) with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"failing_since" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_deletions" (
	"job_id" uuid NOT NULL,
	"owner_name" text NOT NULL,
	"indicator_key" text NOT NULL,
	CONSTRAINT "sync_deletions_job_id_owner_name_indicator_key_pk" PRIMARY KEY("job_id","owner_name","indicator_key")
);
--> statement-breakpoint
CREATE TABLE "sync_staging" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_staging_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" uuid NOT NULL,
	"query_position" integer NOT NULL,
	"indicator_key" text NOT NULL,
	"tc_id" text NOT NULL,
	"owner_name" text NOT NULL,
	"indicator_type" text NOT NULL,
	"raw" jsonb NOT NULL,
	"is_winner" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid,
	"job_id" uuid,
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone,
	"counts" jsonb,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "upload_batch_items" (
	"batch_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"reason" text NOT NULL,
	"indicator_key" text NOT NULL,
	"tc_id" text,
	"indicator_type" text NOT NULL,
	"indicator_value" text NOT NULL,
	"owner_name" text NOT NULL,
	"query_position" integer NOT NULL,
	"stix_id" text NOT NULL,
	"revocation_generation" integer NOT NULL,
	"content_hash" text NOT NULL,
	"modified" timestamp (3) with time zone NOT NULL,
	"valid_until" timestamp (3) with time zone,
	"object" jsonb NOT NULL,
	CONSTRAINT "upload_batch_items_batch_id_ordinal_pk" PRIMARY KEY("batch_id","ordinal")
);
--> statement-breakpoint
CREATE TABLE "upload_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"object_count" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"accepted_count" integer DEFAULT 0 NOT NULL,
	"rejected_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "job_errors" ADD CONSTRAINT "job_errors_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_errors" ADD CONSTRAINT "job_errors_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_errors" ADD CONSTRAINT "job_errors_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_restart_of_jobs_id_fk" FOREIGN KEY ("restart_of") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_state" ADD CONSTRAINT "sent_state_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_state" ADD CONSTRAINT "sent_state_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_sync_state" ADD CONSTRAINT "service_sync_state_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_sync_state" ADD CONSTRAINT "service_sync_state_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_deletions" ADD CONSTRAINT "sync_deletions_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_staging" ADD CONSTRAINT "sync_staging_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_batch_items" ADD CONSTRAINT "upload_batch_items_batch_id_upload_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."upload_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_batches" ADD CONSTRAINT "upload_batches_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_batches" ADD CONSTRAINT "upload_batches_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "job_errors_job_fingerprint_idx" ON "job_errors" USING btree ("job_id","fingerprint");--> statement-breakpoint
CREATE INDEX "job_errors_org_seen_idx" ON "job_errors" USING btree ("org_id","first_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_request_id_idx" ON "jobs" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "jobs_org_created_idx" ON "jobs" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "jobs_service_created_idx" ON "jobs" USING btree ("service_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "jobs_org_request_id_prefix_idx" ON "jobs" USING btree ("org_id","request_id" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_one_running_per_service_idx" ON "jobs" USING btree ("service_id") WHERE "jobs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "sent_state_org_type_idx" ON "sent_state" USING btree ("org_id","indicator_type") WHERE not "sent_state"."revoked";--> statement-breakpoint
CREATE UNIQUE INDEX "sync_staging_job_query_indicator_idx" ON "sync_staging" USING btree ("job_id","query_position","tc_id");--> statement-breakpoint
CREATE INDEX "sync_staging_job_key_idx" ON "sync_staging" USING btree ("job_id","indicator_key");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_run_step_attempt_idx" ON "tasks" USING btree ("run_id","step_id","attempt");--> statement-breakpoint
CREATE INDEX "tasks_org_started_idx" ON "tasks" USING btree ("org_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tasks_job_idx" ON "tasks" USING btree ("job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "upload_batches_job_seq_idx" ON "upload_batches" USING btree ("job_id","seq");