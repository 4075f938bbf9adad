-- Notifications, alerts and maintenance work orders (issue 6).

-- A dispatch names its idempotency key; one row per key, recipient and channel, so a retried
-- escalation step finds what it already sent instead of sending it again.
ALTER TABLE "notification" ADD COLUMN "dedupeKey" TEXT;
CREATE UNIQUE INDEX "notification_dedupeKey_userId_channel_key" ON "notification"("dedupeKey", "userId", "channel");

-- The alert evaluator's only state: since when the condition has held (to raise) or cleared (to clear).
ALTER TABLE "alert_rule" ADD COLUMN "conditionSince" TIMESTAMPTZ(3);

-- Hysteresis the right way round: a "below" alert clears at or above its threshold, an "above"
-- alert at or below it; otherwise it would flap or never clear.
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_hysteresis_band_valid" CHECK (
  ("kind" IN ('OEE_BELOW_TARGET', 'SPEED_BELOW') AND "clearThreshold" >= "threshold") OR
  ("kind" IN ('REJECT_RATE_ABOVE', 'DOWNTIME_LONGER_THAN') AND "clearThreshold" <= "threshold")
);

-- Work order numbers people can say on the radio (MWO-000042), from one sequence so two instances
-- never hand out the same number.
CREATE SEQUENCE "maintenance_work_order_number_seq";

-- A finished work order has its timestamps in order.
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_times_ordered" CHECK (
  ("startedAt" IS NULL OR "startedAt" >= "createdAt") AND
  ("completedAt" IS NULL OR "completedAt" >= COALESCE("startedAt", "createdAt"))
);
