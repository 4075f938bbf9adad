-- Quiet hours per notification channel: a channel a person keeps quiet at night is skipped then,
-- except for CRITICAL messages (the in-app inbox still receives everything).
ALTER TABLE "notification_preference" ADD COLUMN "quietStartMinute" INTEGER;
ALTER TABLE "notification_preference" ADD COLUMN "quietEndMinute" INTEGER;
ALTER TABLE "notification_preference" ADD COLUMN "timeZone" TEXT NOT NULL DEFAULT 'UTC';

ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_quiet_hours_valid" CHECK (
  ("quietStartMinute" IS NULL AND "quietEndMinute" IS NULL) OR
  ("quietStartMinute" BETWEEN 0 AND 1439 AND "quietEndMinute" BETWEEN 0 AND 1439 AND "quietStartMinute" <> "quietEndMinute")
);
