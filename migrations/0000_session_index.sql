CREATE TABLE `chat_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`last_message_at` text NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`ended_at` text,
	`end_reason` text,
	`processed_for_ltm` integer DEFAULT false NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`index_version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_sessions_user_activity` ON `chat_sessions` (`tenant_id`,`user_id`,`is_deleted`,`last_message_at`,`id`);