CREATE TABLE `knowledge_stats` (
	`tenant_id` integer PRIMARY KEY NOT NULL,
	`passages` integer NOT NULL,
	`total_length` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `knowledge_terms` (
	`tenant_id` integer NOT NULL,
	`term` text NOT NULL,
	`passage_id` integer NOT NULL,
	`reversed` text NOT NULL,
	`document_id` text NOT NULL,
	`body_count` integer NOT NULL,
	`in_heading` integer NOT NULL,
	`in_title` integer NOT NULL,
	`passage_length` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `term`, `passage_id`)
);
--> statement-breakpoint
CREATE INDEX `knowledge_terms_reversed` ON `knowledge_terms` (`tenant_id`,`reversed`);--> statement-breakpoint
CREATE INDEX `knowledge_terms_document` ON `knowledge_terms` (`document_id`);--> statement-breakpoint
DROP INDEX `knowledge_passages_document`;--> statement-breakpoint
ALTER TABLE `knowledge_passages` ADD `length` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `knowledge_passages_tenant` ON `knowledge_passages` (`tenant_id`,`length`);--> statement-breakpoint
CREATE INDEX `knowledge_passages_document` ON `knowledge_passages` (`document_id`,`position`);--> statement-breakpoint
ALTER TABLE `knowledge_documents` ADD `index_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `knowledge_documents_version` ON `knowledge_documents` (`tenant_id`,`index_version`);