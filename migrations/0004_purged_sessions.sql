CREATE TABLE `purged_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` integer NOT NULL,
	`purged_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `purged_sessions_age` ON `purged_sessions` (`purged_at`);