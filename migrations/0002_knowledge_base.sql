CREATE TABLE `knowledge_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`source_url` text,
	`tags` text NOT NULL,
	`passage_count` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `knowledge_documents_source` ON `knowledge_documents` (`tenant_id`,`source_url`);--> statement-breakpoint
CREATE INDEX `knowledge_documents_recent` ON `knowledge_documents` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `knowledge_passages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` integer NOT NULL,
	`document_id` text NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `knowledge_passages_document` ON `knowledge_passages` (`document_id`);