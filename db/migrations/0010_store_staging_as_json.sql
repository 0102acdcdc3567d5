ALTER TABLE "sync_staging" ALTER COLUMN "raw" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "upload_batch_items" ALTER COLUMN "object" SET DATA TYPE json;