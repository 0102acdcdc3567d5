CREATE TABLE "organization_deletions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"org_slug" text NOT NULL,
	"org_name" text NOT NULL,
	"deleted_by_user_id" text,
	"deleted_by_email" text,
	"deleted_at" timestamp with time zone NOT NULL
);
