-- The quality subgraph's data: sampling rules of inspection plans, SPC settings of characteristics,
-- corrections that supersede measurements, e-signed release checks, defects, holds, scrap that moves
-- OEE (when the units were made, and whether the PLC already counted them as rejects), control-chart
-- subgroups, frozen control limits, stored rule violations and the live feed's stream position.

-- CreateEnum
CREATE TYPE "ControlChartType" AS ENUM ('XBAR_R', 'XBAR_S', 'I_MR', 'P', 'NP', 'C', 'U');

-- CreateEnum
CREATE TYPE "QualityCheckTrigger" AS ENUM ('GOOD_UNITS', 'RUN_TIME', 'FIRST_OFF', 'SHIFT', 'MANUAL');

-- CreateEnum
CREATE TYPE "QualityHoldStatus" AS ENUM ('ON_HOLD', 'DISPOSITIONED', 'RELEASED');

-- CreateEnum
CREATE TYPE "HoldDisposition" AS ENUM ('USE_AS_IS', 'REWORK', 'SCRAP');

-- CreateEnum
CREATE TYPE "SpcSubgroupSource" AS ENUM ('LIVE', 'MANUAL');

-- DropIndex
DROP INDEX "measurement_checkId_characteristicId_sampleIndex_key";

-- AlterTable
ALTER TABLE "measurement" ADD COLUMN     "correctionReason" TEXT,
ADD COLUMN     "defectCount" INTEGER,
ADD COLUMN     "recordedById" UUID,
ADD COLUMN     "supersededById" UUID;

-- AlterTable
ALTER TABLE "quality_characteristic" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "andonOnOutOfSpec" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "chartType" "ControlChartType",
ADD COLUMN     "decimals" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "liveSignal" TEXT,
ADD COLUMN     "spcRules" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "subgroupSize" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "quality_check" ADD COLUMN     "dueKey" TEXT,
ADD COLUMN     "jobId" UUID,
ADD COLUMN     "overdueAt" TIMESTAMPTZ(3),
ADD COLUMN     "overdueRaisedAt" TIMESTAMPTZ(3),
ADD COLUMN     "signatureHash" TEXT,
ADD COLUMN     "signatureMeaning" TEXT,
ADD COLUMN     "signedAt" TIMESTAMPTZ(3),
ADD COLUMN     "signedById" UUID,
ADD COLUMN     "trigger" "QualityCheckTrigger" NOT NULL DEFAULT 'MANUAL';

-- AlterTable
ALTER TABLE "quality_check_template" ADD COLUMN     "equipmentId" UUID,
ADD COLUMN     "everyGoodUnits" INTEGER,
ADD COLUMN     "firstOffAtJobStart" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "oncePerShift" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "overdueAfterMinutes" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "requiresSignature" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "scrap_record" ADD COLUMN     "jobId" UUID,
ADD COLUMN     "madeAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "plcCountedAsReject" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "defect_record" (
    "id" UUID NOT NULL,
    "defectCodeId" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "jobId" UUID,
    "workOrderId" UUID,
    "productTypeId" UUID,
    "quantity" INTEGER NOT NULL,
    "note" TEXT,
    "photoStorageKey" TEXT,
    "recordedById" UUID NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "defect_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quality_hold" (
    "id" UUID NOT NULL,
    "workOrderId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "QualityHoldStatus" NOT NULL DEFAULT 'ON_HOLD',
    "quantity" INTEGER,
    "placedById" UUID NOT NULL,
    "placedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disposition" "HoldDisposition",
    "dispositionNote" TEXT,
    "dispositionById" UUID,
    "dispositionAt" TIMESTAMPTZ(3),
    "releasedById" UUID,
    "releasedAt" TIMESTAMPTZ(3),

    CONSTRAINT "quality_hold_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spc_subgroup" (
    "id" BIGSERIAL NOT NULL,
    "characteristicId" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "source" "SpcSubgroupSource" NOT NULL,
    "checkId" UUID,
    "size" INTEGER NOT NULL,
    "values" DOUBLE PRECISION[],
    "mean" DOUBLE PRECISION,
    "range" DOUBLE PRECISION,
    "stdDev" DOUBLE PRECISION,
    "nonconforming" INTEGER,
    "inspected" INTEGER,
    "firstAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spc_subgroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spc_control_limits" (
    "id" UUID NOT NULL,
    "characteristicId" UUID NOT NULL,
    "chartType" "ControlChartType" NOT NULL,
    "subgroupSize" INTEGER NOT NULL,
    "centerLine" DOUBLE PRECISION NOT NULL,
    "upperControlLimit" DOUBLE PRECISION NOT NULL,
    "lowerControlLimit" DOUBLE PRECISION NOT NULL,
    "dispersionCenter" DOUBLE PRECISION,
    "dispersionUpper" DOUBLE PRECISION,
    "dispersionLower" DOUBLE PRECISION,
    "sigmaWithin" DOUBLE PRECISION,
    "baselineFirst" INTEGER NOT NULL,
    "baselineLast" INTEGER NOT NULL,
    "baselineCount" INTEGER NOT NULL,
    "reason" TEXT,
    "frozenById" UUID,
    "frozenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "supersededAt" TIMESTAMPTZ(3),

    CONSTRAINT "spc_control_limits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spc_violation" (
    "id" UUID NOT NULL,
    "characteristicId" UUID NOT NULL,
    "subgroupId" BIGINT NOT NULL,
    "limitsId" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "chart" TEXT NOT NULL,
    "pointSequences" INTEGER[],
    "detectedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spc_violation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spc_live_state" (
    "characteristicId" UUID NOT NULL,
    "lastStreamId" TEXT NOT NULL,
    "pendingValues" DOUBLE PRECISION[],
    "pendingFirstAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "spc_live_state_pkey" PRIMARY KEY ("characteristicId")
);

-- CreateIndex
CREATE INDEX "defect_record_lineId_recordedAt_idx" ON "defect_record"("lineId", "recordedAt");

-- CreateIndex
CREATE INDEX "quality_hold_workOrderId_idx" ON "quality_hold"("workOrderId");

-- CreateIndex
CREATE INDEX "spc_subgroup_lastAt_idx" ON "spc_subgroup" USING BRIN ("lastAt");

-- CreateIndex
CREATE UNIQUE INDEX "spc_subgroup_characteristicId_sequence_key" ON "spc_subgroup"("characteristicId", "sequence");

-- CreateIndex
CREATE INDEX "spc_control_limits_characteristicId_frozenAt_idx" ON "spc_control_limits"("characteristicId", "frozenAt");

-- CreateIndex
CREATE INDEX "spc_violation_characteristicId_detectedAt_idx" ON "spc_violation"("characteristicId", "detectedAt");

-- CreateIndex
CREATE UNIQUE INDEX "spc_violation_subgroupId_rule_chart_key" ON "spc_violation"("subgroupId", "rule", "chart");

-- CreateIndex
CREATE UNIQUE INDEX "measurement_supersededById_key" ON "measurement"("supersededById");

-- CreateIndex
CREATE INDEX "measurement_checkId_characteristicId_sampleIndex_idx" ON "measurement"("checkId", "characteristicId", "sampleIndex");

-- CreateIndex
CREATE UNIQUE INDEX "quality_check_dueKey_key" ON "quality_check"("dueKey");

-- CreateIndex
CREATE INDEX "scrap_record_equipmentId_madeAt_idx" ON "scrap_record"("equipmentId", "madeAt");

-- AddForeignKey
ALTER TABLE "quality_check_template" ADD CONSTRAINT "quality_check_template_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "measurement" ADD CONSTRAINT "measurement_supersededById_fkey" FOREIGN KEY ("supersededById") REFERENCES "measurement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_defectCodeId_fkey" FOREIGN KEY ("defectCodeId") REFERENCES "defect_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_hold" ADD CONSTRAINT "quality_hold_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_hold" ADD CONSTRAINT "quality_hold_placedById_fkey" FOREIGN KEY ("placedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_subgroup" ADD CONSTRAINT "spc_subgroup_characteristicId_fkey" FOREIGN KEY ("characteristicId") REFERENCES "quality_characteristic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_control_limits" ADD CONSTRAINT "spc_control_limits_characteristicId_fkey" FOREIGN KEY ("characteristicId") REFERENCES "quality_characteristic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_violation" ADD CONSTRAINT "spc_violation_characteristicId_fkey" FOREIGN KEY ("characteristicId") REFERENCES "quality_characteristic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_violation" ADD CONSTRAINT "spc_violation_subgroupId_fkey" FOREIGN KEY ("subgroupId") REFERENCES "spc_subgroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_violation" ADD CONSTRAINT "spc_violation_limitsId_fkey" FOREIGN KEY ("limitsId") REFERENCES "spc_control_limits"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spc_live_state" ADD CONSTRAINT "spc_live_state_characteristicId_fkey" FOREIGN KEY ("characteristicId") REFERENCES "quality_characteristic"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------
-- Rules the database holds whatever the application does
-- ---------------------------------------------------------------------------------------------

-- One current value per sample: corrections supersede, the superseded row stays for the audit. The
-- old row is marked superseded before its correction is inserted (so the two are never current at
-- once), which needs the link checked at commit.
ALTER TABLE "measurement" ALTER CONSTRAINT "measurement_supersededById_fkey" DEFERRABLE INITIALLY DEFERRED;
CREATE UNIQUE INDEX "measurement_one_current_value_per_sample" ON "measurement"("checkId", "characteristicId", "sampleIndex") WHERE "supersededById" IS NULL;

-- A measurement is evidence: once written only the link to its correction may be set, once.
CREATE FUNCTION "measurement_refuse_rewrite"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."supersededById" IS NULL AND NEW."supersededById" IS NOT NULL
     AND (to_jsonb(NEW) - 'supersededById') = (to_jsonb(OLD) - 'supersededById') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a measurement is never changed: record a correction that supersedes it' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "measurement_is_never_rewritten" BEFORE UPDATE ON "measurement" FOR EACH ROW EXECUTE FUNCTION "measurement_refuse_rewrite"();

ALTER TABLE "quality_characteristic" ADD CONSTRAINT "quality_characteristic_subgroup_size_valid" CHECK ("subgroupSize" BETWEEN 1 AND 25);
ALTER TABLE "quality_characteristic" ADD CONSTRAINT "quality_characteristic_decimals_valid" CHECK ("decimals" BETWEEN 0 AND 6);
ALTER TABLE "quality_characteristic" ADD CONSTRAINT "quality_characteristic_chart_fits_subgroup" CHECK (
  "chartType" IS NULL
  OR ("chartType" = 'I_MR' AND "subgroupSize" = 1)
  OR ("chartType" = 'XBAR_R' AND "subgroupSize" BETWEEN 2 AND 10)
  OR ("chartType" = 'XBAR_S' AND "subgroupSize" > 10)
  OR "chartType" IN ('P', 'NP', 'C', 'U'));
ALTER TABLE "quality_check_template" ADD CONSTRAINT "quality_check_template_sampling_rules_valid" CHECK (
  ("everyGoodUnits" IS NULL OR "everyGoodUnits" > 0) AND "overdueAfterMinutes" > 0);
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_signature_complete" CHECK (
  ("signedById" IS NULL) = ("signedAt" IS NULL) AND ("signedAt" IS NULL) = ("signatureHash" IS NULL));
ALTER TABLE "defect_record" ADD CONSTRAINT "defect_record_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "quality_hold" ADD CONSTRAINT "quality_hold_quantity_positive" CHECK ("quantity" IS NULL OR "quantity" > 0);
ALTER TABLE "quality_hold" ADD CONSTRAINT "quality_hold_disposition_when_dispositioned" CHECK (
  ("status" = 'ON_HOLD') = ("disposition" IS NULL) AND ("status" = 'RELEASED') = ("releasedAt" IS NOT NULL));
-- One open hold per work order.
CREATE UNIQUE INDEX "quality_hold_one_open_per_work_order" ON "quality_hold"("workOrderId") WHERE "status" <> 'RELEASED';
ALTER TABLE "spc_subgroup" ADD CONSTRAINT "spc_subgroup_size_positive" CHECK ("size" > 0 AND "sequence" > 0);
ALTER TABLE "spc_control_limits" ADD CONSTRAINT "spc_control_limits_ordered" CHECK (
  "lowerControlLimit" <= "centerLine" AND "centerLine" <= "upperControlLimit" AND "baselineFirst" <= "baselineLast" AND "baselineCount" > 0);
-- One set of current limits per characteristic.
CREATE UNIQUE INDEX "spc_control_limits_one_current" ON "spc_control_limits"("characteristicId") WHERE "supersededAt" IS NULL;
