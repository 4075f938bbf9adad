-- Issue 21, jobs: certifications say which equipment (or kind of equipment) they qualify for, so
-- assigning a job can check them; a job may have a planned start, giving it a window that other
-- open jobs of the same person may not overlap; product types carry their specification as typed
-- columns (the quality plans' defaults) instead of only free-form JSON.

ALTER TABLE "certification"
  ADD COLUMN "equipmentId" UUID,
  ADD COLUMN "equipmentKind" TEXT,
  ADD COLUMN "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE INDEX "certification_equipmentId_idx" ON "certification"("equipmentId");

ALTER TABLE "certification" ADD CONSTRAINT "certification_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A certification that ends before it starts is a typing error, whatever client wrote it.
ALTER TABLE "certification" ADD CONSTRAINT "certification_period_forward"
  CHECK ("expiresAt" IS NULL OR "expiresAt" > "issuedAt");
-- It qualifies for one piece of equipment or one kind, not both: which would the rule check?
ALTER TABLE "certification" ADD CONSTRAINT "certification_one_qualification"
  CHECK ("equipmentId" IS NULL OR "equipmentKind" IS NULL);

ALTER TABLE "job_assignment" ADD COLUMN "startsAt" TIMESTAMPTZ(3);

-- A window has an end (the due time) after its start.
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_window_forward"
  CHECK ("startsAt" IS NULL OR ("dueAt" IS NOT NULL AND "startsAt" < "dueAt"));

ALTER TABLE "product_type"
  ADD COLUMN "targetWeightKg" DOUBLE PRECISION,
  ADD COLUMN "bagSize" TEXT,
  ADD COLUMN "toleranceBelowKg" DOUBLE PRECISION,
  ADD COLUMN "toleranceAboveKg" DOUBLE PRECISION;

ALTER TABLE "product_type" ADD CONSTRAINT "product_type_spec_valid" CHECK (
  ("targetWeightKg" IS NULL OR "targetWeightKg" > 0)
  AND ("toleranceBelowKg" IS NULL OR "toleranceBelowKg" >= 0)
  AND ("toleranceAboveKg" IS NULL OR "toleranceAboveKg" >= 0)
);

-- Product types written before this read their weights from the JSON the seed and admins used:
-- { netWeightKg, toleranceKg: [below (negative), above] }.
UPDATE "product_type" SET
  "targetWeightKg" = CASE WHEN jsonb_typeof(specs -> 'netWeightKg') = 'number' AND (specs ->> 'netWeightKg')::float8 > 0
                          THEN (specs ->> 'netWeightKg')::float8 END,
  "toleranceBelowKg" = CASE WHEN jsonb_typeof(specs -> 'toleranceKg' -> 0) = 'number'
                            THEN abs((specs -> 'toleranceKg' ->> 0)::float8) END,
  "toleranceAboveKg" = CASE WHEN jsonb_typeof(specs -> 'toleranceKg' -> 1) = 'number'
                            THEN abs((specs -> 'toleranceKg' ->> 1)::float8) END;
