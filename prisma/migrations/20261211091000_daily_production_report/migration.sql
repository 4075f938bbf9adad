-- The daily production report (good, reject, scrap, target against actual, first-pass yield, MTBF,
-- MTTR and MTTA per line and day) joins the seeded templates.
ALTER TYPE "ReportKind" ADD VALUE 'DAILY_PRODUCTION' AFTER 'SHIFT_SUMMARY';
