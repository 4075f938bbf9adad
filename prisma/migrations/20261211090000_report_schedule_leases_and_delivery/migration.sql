-- Report schedules that run on their own: a lease per schedule so one instance at a time makes its
-- due runs (the unique (scheduleId, dueAt) makes each fire time once), and per fire time its outcome
-- (a run, or skipped with the reason) and the delivery of the finished report.
CREATE TYPE "ReportScheduleRunOutcome" AS ENUM ('RUN', 'SKIPPED');
CREATE TYPE "ReportDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'NONE');

ALTER TABLE "report_schedule" ADD COLUMN "leaseOwner" TEXT;
ALTER TABLE "report_schedule" ADD COLUMN "leaseExpiresAt" TIMESTAMPTZ(3);

ALTER TABLE "report_schedule_run" ADD COLUMN "outcome" "ReportScheduleRunOutcome" NOT NULL DEFAULT 'RUN';
ALTER TABLE "report_schedule_run" ADD COLUMN "note" TEXT;
ALTER TABLE "report_schedule_run" ADD COLUMN "deliveryStatus" "ReportDeliveryStatus" NOT NULL DEFAULT 'PENDING';
ALTER TABLE "report_schedule_run" ADD COLUMN "delivery" JSONB;
ALTER TABLE "report_schedule_run" ADD COLUMN "deliveredAt" TIMESTAMPTZ(3);
ALTER TABLE "report_schedule_run" ADD COLUMN "deliveryLeaseOwner" TEXT;
ALTER TABLE "report_schedule_run" ADD COLUMN "deliveryLeaseExpiresAt" TIMESTAMPTZ(3);

CREATE INDEX "report_schedule_run_deliveryStatus_dueAt_idx" ON "report_schedule_run"("deliveryStatus", "dueAt");
