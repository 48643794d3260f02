CREATE TABLE `session_summaries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`session_id` text NOT NULL,
	`summary` text NOT NULL,
	`key_topics` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`message_count` integer NOT NULL,
	`method` text NOT NULL,
	`model` text,
	`language` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_summaries_session` ON `session_summaries` (`session_id`);--> statement-breakpoint
CREATE INDEX `session_summaries_user_recent` ON `session_summaries` (`tenant_id`,`user_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `chat_sessions` ADD `deleted_at` text;--> statement-breakpoint
CREATE INDEX `chat_sessions_open_by_activity` ON `chat_sessions` (`tenant_id`,`ended_at`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `chat_sessions_deleted` ON `chat_sessions` (`tenant_id`,`is_deleted`,`deleted_at`);