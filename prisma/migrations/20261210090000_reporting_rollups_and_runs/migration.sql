-- The reporting subgraph: DAY OEE buckets (a calendar day in the site's time zone) beside SHIFT,
-- report runs that can be cancelled and report their progress, and the marks of the OEE rollup.
ALTER TYPE "OeeBucket" ADD VALUE 'DAY';

ALTER TYPE "ReportRunStatus" ADD VALUE 'CANCELLED';

ALTER TABLE "report_run" ADD COLUMN "progress" DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE "report_run" ADD CONSTRAINT "report_run_progress_range" CHECK ("progress" >= 0 AND "progress" <= 1);

CREATE TABLE "oee_rollup_mark" (
    "key" TEXT NOT NULL,
    "markedAt" TIMESTAMPTZ(3) NOT NULL,
    "sequence" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "oee_rollup_mark_pkey" PRIMARY KEY ("key")
);
