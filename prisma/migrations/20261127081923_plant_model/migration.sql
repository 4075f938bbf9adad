-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'PRODUCTION_MANAGER', 'SHIFT_MANAGER', 'ENGINEER', 'OPERATOR', 'MAINTENANCE_TECHNICIAN', 'QUALITY_INSPECTOR', 'VIEWER');

-- CreateEnum
CREATE TYPE "Criticality" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "PlcDriver" AS ENUM ('LOGIX', 'SLC_PCCC', 'MODBUS_TCP', 'OPC_UA');

-- CreateEnum
CREATE TYPE "ScheduleStatus" AS ENUM ('DRAFT', 'RELEASED', 'CLOSED');

-- CreateEnum
CREATE TYPE "WorkOrderStatus" AS ENUM ('PLANNED', 'RELEASED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('PROCESSING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "TargetGranularity" AS ENUM ('SHIFT', 'HOUR');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('ASSIGNED', 'ACCEPTED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ChecklistKind" AS ENUM ('PRE_START', 'CHANGEOVER', 'SAFETY', 'CLEANING');

-- CreateEnum
CREATE TYPE "ChecklistItemType" AS ENUM ('CHECKBOX', 'NUMBER', 'TEXT', 'SELECT', 'SIGNATURE');

-- CreateEnum
CREATE TYPE "ChecklistCompletionStatus" AS ENUM ('IN_PROGRESS', 'SIGNED');

-- CreateEnum
CREATE TYPE "FaultCategory" AS ENUM ('MECHANICAL', 'ELECTRICAL', 'PNEUMATIC', 'PROCESS', 'MATERIAL', 'SAFETY', 'QUALITY', 'OTHER');

-- CreateEnum
CREATE TYPE "AndonType" AS ENUM ('MAINTENANCE', 'QUALITY', 'MATERIAL', 'SAFETY', 'HELP');

-- CreateEnum
CREATE TYPE "AndonPriority" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "DowntimeCategory" AS ENUM ('PLANNED', 'UNPLANNED', 'MAINTENANCE', 'CHANGEOVER');

-- CreateEnum
CREATE TYPE "SixBigLoss" AS ENUM ('BREAKDOWN', 'SETUP_ADJUSTMENT', 'SMALL_STOP', 'REDUCED_SPEED', 'STARTUP_REJECT', 'PRODUCTION_REJECT');

-- CreateEnum
CREATE TYPE "EquipmentState" AS ENUM ('RUNNING', 'IDLE', 'DOWN', 'PLANNED_STOP', 'CHANGEOVER', 'COMMS_LOST');

-- CreateEnum
CREATE TYPE "DowntimeSource" AS ENUM ('PLC', 'OPERATOR', 'SUPERVISOR');

-- CreateEnum
CREATE TYPE "DowntimeLineageOperation" AS ENUM ('SPLIT', 'MERGE');

-- CreateEnum
CREATE TYPE "DowntimeAuditAction" AS ENUM ('OPENED', 'CLOSED', 'REASON_SUGGESTED', 'REASON_CONFIRMED', 'RECLASSIFIED', 'SPLIT', 'MERGED', 'NOTE_ADDED');

-- CreateEnum
CREATE TYPE "OeeScope" AS ENUM ('EQUIPMENT', 'LINE');

-- CreateEnum
CREATE TYPE "OeeBucket" AS ENUM ('MINUTE', 'HOUR', 'SHIFT');

-- CreateEnum
CREATE TYPE "AndonStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "AndonSource" AS ENUM ('MANUAL', 'PLC');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'EMAIL', 'SMS');

-- CreateEnum
CREATE TYPE "EscalationKind" AS ENUM ('ACKNOWLEDGE', 'RESOLVE');

-- CreateEnum
CREATE TYPE "RecipientKind" AS ENUM ('ROLE', 'USER', 'SHIFT');

-- CreateEnum
CREATE TYPE "EscalationStatus" AS ENUM ('ACTIVE', 'STOPPED', 'EXHAUSTED');

-- CreateEnum
CREATE TYPE "EscalationAction" AS ENUM ('STARTED', 'FIRED', 'REMINDER', 'MANUAL', 'STOPPED', 'EXHAUSTED');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('OEE_BELOW_TARGET', 'SPEED_BELOW', 'REJECT_RATE_ABOVE', 'DOWNTIME_LONGER_THAN');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('ACTIVE', 'ACKNOWLEDGED', 'CLEARED');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'READ');

-- CreateEnum
CREATE TYPE "CharacteristicType" AS ENUM ('VARIABLE', 'ATTRIBUTE');

-- CreateEnum
CREATE TYPE "QualityCheckStatus" AS ENUM ('DUE', 'IN_PROGRESS', 'PASSED', 'FAILED', 'MISSED');

-- CreateEnum
CREATE TYPE "DefectSeverity" AS ENUM ('MINOR', 'MAJOR', 'CRITICAL');

-- CreateEnum
CREATE TYPE "Disposition" AS ENUM ('SCRAP', 'REWORK');

-- CreateEnum
CREATE TYPE "MaintenanceType" AS ENUM ('CORRECTIVE', 'PREVENTIVE', 'PREDICTIVE', 'INSPECTION');

-- CreateEnum
CREATE TYPE "MaintenanceStatus" AS ENUM ('OPEN', 'ASSIGNED', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "MaintenanceTaskStatus" AS ENUM ('TODO', 'DONE', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ReportKind" AS ENUM ('SHIFT_SUMMARY', 'OEE_TREND', 'DOWNTIME_PARETO', 'ANDON_SUMMARY', 'QUALITY_SUMMARY', 'MAINTENANCE_SUMMARY');

-- CreateEnum
CREATE TYPE "ReportRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "employeeId" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "email" TEXT,
    "department" TEXT,
    "skills" TEXT[],
    "roles" "Role"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "passwordHash" TEXT NOT NULL,
    "pinHash" TEXT,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "mustChangePin" BOOLEAN NOT NULL DEFAULT false,
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),

    CONSTRAINT "certification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_token" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "familyId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "replacedById" UUID,
    "userAgent" TEXT,
    "ipAddress" TEXT,

    CONSTRAINT "refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_account" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "serviceAccountId" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" UUID,
    "actorServiceAccountId" UUID,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "correlationId" TEXT,
    "ipAddress" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "site" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "area" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "area_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "line" (
    "id" UUID NOT NULL,
    "areaId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "microStopThresholdSeconds" INTEGER NOT NULL DEFAULT 120,
    "oeeTarget" DOUBLE PRECISION NOT NULL DEFAULT 0.85,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plc" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "driver" "PlcDriver" NOT NULL DEFAULT 'LOGIX',
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 44818,
    "slot" INTEGER NOT NULL DEFAULT 0,
    "connectionOptions" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "plc_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_map" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "tags" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tag_map_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "equipment" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "isConstraint" BOOLEAN NOT NULL DEFAULT false,
    "criticality" "Criticality" NOT NULL DEFAULT 'MEDIUM',
    "plcId" UUID,
    "plcTagPrefix" TEXT,
    "tagMapId" UUID,
    "targetSpeedPerMinute" DOUBLE PRECISION NOT NULL,
    "availabilityTarget" DOUBLE PRECISION NOT NULL DEFAULT 0.9,
    "performanceTarget" DOUBLE PRECISION NOT NULL DEFAULT 0.95,
    "qualityTarget" DOUBLE PRECISION NOT NULL DEFAULT 0.99,
    "oeeTarget" DOUBLE PRECISION NOT NULL DEFAULT 0.85,
    "andonEnabled" BOOLEAN NOT NULL DEFAULT true,
    "andonOnFault" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "equipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_type" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT NOT NULL DEFAULT 'unit',
    "idealCycleTimeSeconds" DOUBLE PRECISION NOT NULL,
    "idealRatePerMinute" DOUBLE PRECISION NOT NULL,
    "specs" JSONB NOT NULL DEFAULT '{}',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_type_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shift_pattern" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "shift_pattern_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shift" (
    "id" UUID NOT NULL,
    "patternId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "startMinuteOfDay" INTEGER NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "weekdays" INTEGER[],
    "plannedBreakMinutes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "shift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shift_instance" (
    "id" UUID NOT NULL,
    "shiftId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shift_instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shift_assignment" (
    "id" UUID NOT NULL,
    "shiftInstanceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "lineId" UUID,
    "role" "Role" NOT NULL,

    CONSTRAINT "shift_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shift_handover_note" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "shiftInstanceId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shift_handover_note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "production_schedule" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "status" "ScheduleStatus" NOT NULL DEFAULT 'DRAFT',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "production_schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "work_order" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "scheduleId" UUID,
    "lineId" UUID NOT NULL,
    "productTypeId" UUID NOT NULL,
    "plannedQuantity" INTEGER NOT NULL,
    "plannedStart" TIMESTAMPTZ(3) NOT NULL,
    "plannedEnd" TIMESTAMPTZ(3) NOT NULL,
    "actualStart" TIMESTAMPTZ(3),
    "actualEnd" TIMESTAMPTZ(3),
    "goodQuantity" INTEGER NOT NULL DEFAULT 0,
    "rejectQuantity" INTEGER NOT NULL DEFAULT 0,
    "status" "WorkOrderStatus" NOT NULL DEFAULT 'PLANNED',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "externalSource" TEXT,
    "externalRef" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "work_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration_import" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'PROCESSING',
    "result" JSONB,
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "integration_import_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "production_target" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "granularity" "TargetGranularity" NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "shiftInstanceId" UUID,
    "productTypeId" UUID,
    "targetQuantity" INTEGER NOT NULL,

    CONSTRAINT "production_target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_assignment" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "workOrderId" UUID,
    "assigneeId" UUID NOT NULL,
    "assignedById" UUID NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'ASSIGNED',
    "plannedQuantity" INTEGER,
    "actualGoodQuantity" INTEGER,
    "actualRejectQuantity" INTEGER,
    "dueAt" TIMESTAMPTZ(3),
    "assignedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelReason" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checklist_template" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ChecklistKind" NOT NULL DEFAULT 'PRE_START',
    "equipmentId" UUID,
    "lineId" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "requiresSignature" BOOLEAN NOT NULL DEFAULT true,
    "defaultSignatureMeaning" TEXT NOT NULL DEFAULT 'Performed and verified',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checklist_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checklist_template_item" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "type" "ChecklistItemType" NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "minValue" DOUBLE PRECISION,
    "maxValue" DOUBLE PRECISION,
    "unit" TEXT,
    "options" TEXT[],
    "helpText" TEXT,

    CONSTRAINT "checklist_template_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checklist_completion" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "templateVersion" INTEGER NOT NULL,
    "equipmentId" UUID NOT NULL,
    "jobId" UUID,
    "status" "ChecklistCompletionStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "passed" BOOLEAN,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signerId" UUID,
    "signatureMeaning" TEXT,
    "contentHash" TEXT,
    "signedAt" TIMESTAMPTZ(3),
    "idempotencyKey" TEXT,

    CONSTRAINT "checklist_completion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checklist_response" (
    "id" UUID NOT NULL,
    "completionId" UUID NOT NULL,
    "itemId" UUID NOT NULL,
    "valueBoolean" BOOLEAN,
    "valueNumber" DOUBLE PRECISION,
    "valueText" TEXT,
    "withinLimits" BOOLEAN,
    "answeredById" UUID NOT NULL,
    "answeredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checklist_response_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fault_catalog_entry" (
    "id" UUID NOT NULL,
    "equipmentId" UUID NOT NULL,
    "bitIndex" INTEGER NOT NULL,
    "faultCode" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "category" "FaultCategory" NOT NULL,
    "andonType" "AndonType" NOT NULL DEFAULT 'MAINTENANCE',
    "andonPriority" "AndonPriority" NOT NULL DEFAULT 'MEDIUM',
    "suggestedReasonCodeId" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "fault_catalog_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reason_code" (
    "id" UUID NOT NULL,
    "parentId" UUID,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" "DowntimeCategory" NOT NULL,
    "sixBigLoss" "SixBigLoss",
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "reason_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "equipment_state_change" (
    "id" UUID NOT NULL,
    "equipmentId" UUID NOT NULL,
    "state" "EquipmentState" NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "stateCode" INTEGER,
    "firstOutFaultCode" TEXT,
    "sourceStreamId" TEXT,
    "plcSequence" BIGINT,

    CONSTRAINT "equipment_state_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "equipment_live_state" (
    "equipmentId" UUID NOT NULL,
    "state" "EquipmentState" NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "speedPerMinute" DOUBLE PRECISION,
    "lastSampleAt" TIMESTAMPTZ(3),
    "commsOk" BOOLEAN NOT NULL DEFAULT true,
    "activeFaultCodes" TEXT[],
    "currentWorkOrderId" UUID,
    "lastStreamId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "equipment_live_state_pkey" PRIMARY KEY ("equipmentId")
);

-- CreateTable
CREATE TABLE "line_live_state" (
    "lineId" UUID NOT NULL,
    "state" "EquipmentState" NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "line_live_state_pkey" PRIMARY KEY ("lineId")
);

-- CreateTable
CREATE TABLE "fault_event" (
    "id" UUID NOT NULL,
    "equipmentId" UUID NOT NULL,
    "faultCatalogEntryId" UUID,
    "bitIndex" INTEGER NOT NULL,
    "faultCode" TEXT NOT NULL,
    "risingAt" TIMESTAMPTZ(3) NOT NULL,
    "fallingAt" TIMESTAMPTZ(3),
    "isFirstOut" BOOLEAN NOT NULL DEFAULT false,
    "sourceStreamId" TEXT,

    CONSTRAINT "fault_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "downtime_event" (
    "id" UUID NOT NULL,
    "equipmentId" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "category" "DowntimeCategory" NOT NULL DEFAULT 'UNPLANNED',
    "isMicroStop" BOOLEAN NOT NULL DEFAULT false,
    "source" "DowntimeSource" NOT NULL DEFAULT 'PLC',
    "firstOutFaultCode" TEXT,
    "suggestedReasonCodeId" UUID,
    "reasonCodeId" UUID,
    "confirmedById" UUID,
    "confirmedAt" TIMESTAMPTZ(3),
    "note" TEXT,
    "shiftInstanceId" UUID,
    "workOrderId" UUID,
    "productTypeId" UUID,
    "supersededAt" TIMESTAMPTZ(3),
    "sourceStreamId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "downtime_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "downtime_lineage" (
    "id" UUID NOT NULL,
    "operationId" UUID NOT NULL,
    "operation" "DowntimeLineageOperation" NOT NULL,
    "sourceEventId" UUID NOT NULL,
    "resultEventId" UUID NOT NULL,
    "performedById" UUID NOT NULL,
    "performedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT,

    CONSTRAINT "downtime_lineage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "downtime_event_audit" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL,
    "action" "DowntimeAuditAction" NOT NULL,
    "actorId" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "before" JSONB,
    "after" JSONB,
    "note" TEXT,

    CONSTRAINT "downtime_event_audit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "production_count" (
    "id" BIGSERIAL NOT NULL,
    "equipmentId" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "productTypeId" UUID,
    "workOrderId" UUID,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,
    "goodDelta" INTEGER NOT NULL,
    "rejectDelta" INTEGER NOT NULL,
    "plcSequence" BIGINT,
    "sourceStreamId" TEXT,

    CONSTRAINT "production_count_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "telemetry_sample" (
    "id" BIGSERIAL NOT NULL,
    "equipmentId" UUID NOT NULL,
    "signal" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "plcSequence" BIGINT,

    CONSTRAINT "telemetry_sample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oee_record" (
    "id" UUID NOT NULL,
    "scope" "OeeScope" NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "productTypeId" UUID,
    "subjectKey" TEXT NOT NULL,
    "bucket" "OeeBucket" NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "bucketEnd" TIMESTAMPTZ(3) NOT NULL,
    "shiftInstanceId" UUID,
    "plannedProductionSeconds" DOUBLE PRECISION NOT NULL,
    "runSeconds" DOUBLE PRECISION NOT NULL,
    "idealCycleTimeSeconds" DOUBLE PRECISION,
    "totalCount" INTEGER NOT NULL,
    "goodCount" INTEGER NOT NULL,
    "rejectCount" INTEGER NOT NULL,
    "availability" DOUBLE PRECISION NOT NULL,
    "performance" DOUBLE PRECISION NOT NULL,
    "quality" DOUBLE PRECISION NOT NULL,
    "oee" DOUBLE PRECISION NOT NULL,
    "breakdownSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "setupAdjustmentSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "smallStopSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reducedSpeedSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "startupRejectSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "productionRejectSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "computedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oee_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "energy_reading" (
    "id" BIGSERIAL NOT NULL,
    "equipmentId" UUID NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,
    "meterKwh" DOUBLE PRECISION NOT NULL,
    "deltaKwh" DOUBLE PRECISION NOT NULL,
    "sourceStreamId" TEXT,

    CONSTRAINT "energy_reading_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "material_consumption" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "workOrderId" UUID,
    "jobId" UUID,
    "materialCode" TEXT NOT NULL,
    "materialName" TEXT,
    "lotNumber" TEXT,
    "quantity" DOUBLE PRECISION NOT NULL,
    "unit" TEXT NOT NULL,
    "consumedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recordedById" UUID NOT NULL,

    CONSTRAINT "material_consumption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "andon_event" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "type" "AndonType" NOT NULL,
    "priority" "AndonPriority" NOT NULL,
    "status" "AndonStatus" NOT NULL DEFAULT 'OPEN',
    "source" "AndonSource" NOT NULL DEFAULT 'MANUAL',
    "faultCode" TEXT,
    "note" TEXT,
    "downtimeEventId" UUID,
    "raisedById" UUID,
    "raisedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedById" UUID,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "resolvedById" UUID,
    "resolvedAt" TIMESTAMPTZ(3),
    "rootCause" TEXT,
    "resolutionNote" TEXT,
    "closedAt" TIMESTAMPTZ(3),
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "repeatCount" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT,
    "sourceStreamId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "andon_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "andon_attachment" (
    "id" UUID NOT NULL,
    "andonId" UUID NOT NULL,
    "storageKey" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "andon_attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "andon_event_history" (
    "id" BIGSERIAL NOT NULL,
    "andonId" UUID NOT NULL,
    "fromStatus" "AndonStatus",
    "toStatus" "AndonStatus" NOT NULL,
    "actorId" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT,

    CONSTRAINT "andon_event_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "priority" "AndonPriority" NOT NULL,
    "lineId" UUID,
    "andonType" "AndonType",
    "acknowledgeTimeoutSeconds" INTEGER NOT NULL,
    "resolveTimeoutSeconds" INTEGER NOT NULL,
    "reminderIntervalSeconds" INTEGER,
    "requireAcknowledgeBeforeResolve" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "escalation_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation_level" (
    "id" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "level" INTEGER NOT NULL,
    "kind" "EscalationKind" NOT NULL,
    "delaySeconds" INTEGER NOT NULL,
    "channels" "NotificationChannel"[],

    CONSTRAINT "escalation_level_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation_recipient" (
    "id" UUID NOT NULL,
    "levelId" UUID NOT NULL,
    "kind" "RecipientKind" NOT NULL,
    "role" "Role",
    "userId" UUID,
    "shiftId" UUID,

    CONSTRAINT "escalation_recipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation" (
    "id" UUID NOT NULL,
    "andonId" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "kind" "EscalationKind" NOT NULL,
    "status" "EscalationStatus" NOT NULL DEFAULT 'ACTIVE',
    "currentLevel" INTEGER NOT NULL DEFAULT 0,
    "nextDueAt" TIMESTAMPTZ(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMPTZ(3),
    "stoppedReason" TEXT,

    CONSTRAINT "escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalation_history" (
    "id" BIGSERIAL NOT NULL,
    "escalationId" UUID NOT NULL,
    "level" INTEGER NOT NULL,
    "action" "EscalationAction" NOT NULL,
    "dueAt" TIMESTAMPTZ(3),
    "firedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "note" TEXT,
    "recipients" JSONB,

    CONSTRAINT "escalation_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "lineId" UUID,
    "equipmentId" UUID,
    "threshold" DOUBLE PRECISION NOT NULL,
    "clearThreshold" DOUBLE PRECISION NOT NULL,
    "durationSeconds" INTEGER NOT NULL DEFAULT 0,
    "severity" "AndonPriority" NOT NULL DEFAULT 'MEDIUM',
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "production_alert" (
    "id" UUID NOT NULL,
    "ruleId" UUID,
    "kind" "AlertKind" NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "status" "AlertStatus" NOT NULL DEFAULT 'ACTIVE',
    "threshold" DOUBLE PRECISION NOT NULL,
    "observedValue" DOUBLE PRECISION NOT NULL,
    "message" TEXT NOT NULL,
    "raisedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedById" UUID,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "clearedAt" TIMESTAMPTZ(3),

    CONSTRAINT "production_alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "severity" "AndonPriority" NOT NULL DEFAULT 'MEDIUM',
    "andonId" UUID,
    "escalationId" UUID,
    "alertId" UUID,
    "fallbackOfId" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_preference" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "minPriority" "AndonPriority" NOT NULL DEFAULT 'LOW',
    "rank" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "notification_preference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quality_check_template" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "lineId" UUID,
    "productTypeId" UUID,
    "frequencyMinutes" INTEGER,
    "sampleSize" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "quality_check_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quality_characteristic" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" "CharacteristicType" NOT NULL,
    "unit" TEXT,
    "nominal" DOUBLE PRECISION,
    "lowerSpec" DOUBLE PRECISION,
    "upperSpec" DOUBLE PRECISION,

    CONSTRAINT "quality_characteristic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quality_check" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "workOrderId" UUID,
    "inspectorId" UUID,
    "status" "QualityCheckStatus" NOT NULL DEFAULT 'DUE',
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "performedAt" TIMESTAMPTZ(3),
    "note" TEXT,

    CONSTRAINT "quality_check_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "measurement" (
    "id" UUID NOT NULL,
    "checkId" UUID NOT NULL,
    "characteristicId" UUID NOT NULL,
    "sampleIndex" INTEGER NOT NULL DEFAULT 0,
    "value" DOUBLE PRECISION,
    "conforming" BOOLEAN,
    "withinSpec" BOOLEAN NOT NULL,
    "measuredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "measurement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "defect_code" (
    "id" UUID NOT NULL,
    "parentId" UUID,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "severity" "DefectSeverity" NOT NULL DEFAULT 'MINOR',
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "defect_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scrap_record" (
    "id" UUID NOT NULL,
    "lineId" UUID NOT NULL,
    "equipmentId" UUID,
    "workOrderId" UUID,
    "productTypeId" UUID,
    "defectCodeId" UUID,
    "qualityCheckId" UUID,
    "disposition" "Disposition" NOT NULL,
    "quantity" INTEGER NOT NULL,
    "duringStartup" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,
    "reportedById" UUID NOT NULL,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scrap_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_work_order" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "equipmentId" UUID NOT NULL,
    "andonId" UUID,
    "downtimeEventId" UUID,
    "type" "MaintenanceType" NOT NULL,
    "priority" "AndonPriority" NOT NULL DEFAULT 'MEDIUM',
    "status" "MaintenanceStatus" NOT NULL DEFAULT 'OPEN',
    "title" TEXT NOT NULL,
    "description" TEXT,
    "requestedById" UUID,
    "assigneeId" UUID,
    "failureCause" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "maintenance_work_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_task" (
    "id" UUID NOT NULL,
    "workOrderId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "status" "MaintenanceTaskStatus" NOT NULL DEFAULT 'TODO',
    "assigneeId" UUID,
    "minutesSpent" INTEGER NOT NULL DEFAULT 0,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "maintenance_task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_part_usage" (
    "id" UUID NOT NULL,
    "workOrderId" UUID NOT NULL,
    "partNumber" TEXT NOT NULL,
    "description" TEXT,
    "quantity" DOUBLE PRECISION NOT NULL,
    "unitCost" DECIMAL(12,2),

    CONSTRAINT "maintenance_part_usage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_template" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" "ReportKind" NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "report_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_run" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "status" "ReportRunStatus" NOT NULL DEFAULT 'QUEUED',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "requestedById" UUID,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "error" TEXT,
    "fileKey" TEXT,
    "contentType" TEXT,
    "fileSizeBytes" INTEGER,
    "fileSha256" TEXT,

    CONSTRAINT "report_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_schedule" (
    "id" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "recipients" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "nextRunAt" TIMESTAMPTZ(3),
    "lastRunAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_schedule_run" (
    "id" UUID NOT NULL,
    "scheduleId" UUID NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "reportRunId" UUID,

    CONSTRAINT "report_schedule_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_stream_entry" (
    "consumerGroup" TEXT NOT NULL,
    "streamKey" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_stream_entry_pkey" PRIMARY KEY ("consumerGroup","streamKey","entryId")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_employeeId_key" ON "app_user"("employeeId");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_username_key" ON "app_user"("username");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE UNIQUE INDEX "certification_userId_name_key" ON "certification"("userId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_token_tokenHash_key" ON "refresh_token"("tokenHash");

-- CreateIndex
CREATE INDEX "refresh_token_familyId_idx" ON "refresh_token"("familyId");

-- CreateIndex
CREATE INDEX "refresh_token_userId_idx" ON "refresh_token"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "service_account_name_key" ON "service_account"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE INDEX "audit_log_entityType_entityId_idx" ON "audit_log"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING BRIN ("at");

-- CreateIndex
CREATE UNIQUE INDEX "site_code_key" ON "site"("code");

-- CreateIndex
CREATE UNIQUE INDEX "area_siteId_code_key" ON "area"("siteId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "line_code_key" ON "line"("code");

-- CreateIndex
CREATE UNIQUE INDEX "plc_name_key" ON "plc"("name");

-- CreateIndex
CREATE UNIQUE INDEX "tag_map_name_key" ON "tag_map"("name");

-- CreateIndex
CREATE UNIQUE INDEX "equipment_code_key" ON "equipment"("code");

-- CreateIndex
CREATE INDEX "equipment_lineId_idx" ON "equipment"("lineId");

-- CreateIndex
CREATE UNIQUE INDEX "product_type_code_key" ON "product_type"("code");

-- CreateIndex
CREATE UNIQUE INDEX "shift_pattern_siteId_name_key" ON "shift_pattern"("siteId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "shift_patternId_name_key" ON "shift"("patternId", "name");

-- CreateIndex
CREATE INDEX "shift_instance_startsAt_endsAt_idx" ON "shift_instance"("startsAt", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "shift_instance_shiftId_startsAt_key" ON "shift_instance"("shiftId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "shift_assignment_shiftInstanceId_userId_key" ON "shift_assignment"("shiftInstanceId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "production_schedule_lineId_periodStart_key" ON "production_schedule"("lineId", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "work_order_number_key" ON "work_order"("number");

-- CreateIndex
CREATE INDEX "work_order_lineId_plannedStart_idx" ON "work_order"("lineId", "plannedStart");

-- CreateIndex
CREATE UNIQUE INDEX "work_order_externalSource_externalRef_key" ON "work_order"("externalSource", "externalRef");

-- CreateIndex
CREATE UNIQUE INDEX "integration_import_idempotencyKey_key" ON "integration_import"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "production_target_lineId_granularity_periodStart_key" ON "production_target"("lineId", "granularity", "periodStart");

-- CreateIndex
CREATE INDEX "job_assignment_assigneeId_status_idx" ON "job_assignment"("assigneeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "checklist_template_name_version_key" ON "checklist_template"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "checklist_template_item_templateId_position_key" ON "checklist_template_item"("templateId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "checklist_completion_idempotencyKey_key" ON "checklist_completion"("idempotencyKey");

-- CreateIndex
CREATE INDEX "checklist_completion_jobId_idx" ON "checklist_completion"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "checklist_response_completionId_itemId_key" ON "checklist_response"("completionId", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "fault_catalog_entry_equipmentId_bitIndex_key" ON "fault_catalog_entry"("equipmentId", "bitIndex");

-- CreateIndex
CREATE UNIQUE INDEX "fault_catalog_entry_equipmentId_faultCode_key" ON "fault_catalog_entry"("equipmentId", "faultCode");

-- CreateIndex
CREATE UNIQUE INDEX "reason_code_code_key" ON "reason_code"("code");

-- CreateIndex
CREATE UNIQUE INDEX "equipment_state_change_sourceStreamId_key" ON "equipment_state_change"("sourceStreamId");

-- CreateIndex
CREATE INDEX "equipment_state_change_equipmentId_startedAt_idx" ON "equipment_state_change"("equipmentId", "startedAt");

-- CreateIndex
CREATE INDEX "equipment_state_change_startedAt_idx" ON "equipment_state_change" USING BRIN ("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "fault_event_sourceStreamId_key" ON "fault_event"("sourceStreamId");

-- CreateIndex
CREATE INDEX "fault_event_equipmentId_risingAt_idx" ON "fault_event"("equipmentId", "risingAt");

-- CreateIndex
CREATE INDEX "fault_event_risingAt_idx" ON "fault_event" USING BRIN ("risingAt");

-- CreateIndex
CREATE UNIQUE INDEX "downtime_event_sourceStreamId_key" ON "downtime_event"("sourceStreamId");

-- CreateIndex
CREATE INDEX "downtime_event_equipmentId_startedAt_idx" ON "downtime_event"("equipmentId", "startedAt");

-- CreateIndex
CREATE INDEX "downtime_event_lineId_startedAt_idx" ON "downtime_event"("lineId", "startedAt");

-- CreateIndex
CREATE INDEX "downtime_event_startedAt_idx" ON "downtime_event" USING BRIN ("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "downtime_lineage_operationId_sourceEventId_resultEventId_key" ON "downtime_lineage"("operationId", "sourceEventId", "resultEventId");

-- CreateIndex
CREATE INDEX "downtime_event_audit_eventId_at_idx" ON "downtime_event_audit"("eventId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "production_count_sourceStreamId_key" ON "production_count"("sourceStreamId");

-- CreateIndex
CREATE INDEX "production_count_equipmentId_recordedAt_idx" ON "production_count"("equipmentId", "recordedAt");

-- CreateIndex
CREATE INDEX "production_count_recordedAt_idx" ON "production_count" USING BRIN ("recordedAt");

-- CreateIndex
CREATE INDEX "telemetry_sample_equipmentId_signal_recordedAt_idx" ON "telemetry_sample"("equipmentId", "signal", "recordedAt");

-- CreateIndex
CREATE INDEX "telemetry_sample_recordedAt_idx" ON "telemetry_sample" USING BRIN ("recordedAt");

-- CreateIndex
CREATE INDEX "oee_record_lineId_bucket_bucketStart_idx" ON "oee_record"("lineId", "bucket", "bucketStart");

-- CreateIndex
CREATE INDEX "oee_record_bucketStart_idx" ON "oee_record" USING BRIN ("bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "oee_record_subjectKey_bucket_bucketStart_key" ON "oee_record"("subjectKey", "bucket", "bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "energy_reading_sourceStreamId_key" ON "energy_reading"("sourceStreamId");

-- CreateIndex
CREATE INDEX "energy_reading_equipmentId_recordedAt_idx" ON "energy_reading"("equipmentId", "recordedAt");

-- CreateIndex
CREATE INDEX "energy_reading_recordedAt_idx" ON "energy_reading" USING BRIN ("recordedAt");

-- CreateIndex
CREATE INDEX "material_consumption_workOrderId_idx" ON "material_consumption"("workOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "andon_event_idempotencyKey_key" ON "andon_event"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "andon_event_sourceStreamId_key" ON "andon_event"("sourceStreamId");

-- CreateIndex
CREATE INDEX "andon_event_lineId_status_idx" ON "andon_event"("lineId", "status");

-- CreateIndex
CREATE INDEX "andon_event_raisedAt_idx" ON "andon_event" USING BRIN ("raisedAt");

-- CreateIndex
CREATE UNIQUE INDEX "andon_attachment_storageKey_key" ON "andon_attachment"("storageKey");

-- CreateIndex
CREATE INDEX "andon_event_history_andonId_at_idx" ON "andon_event_history"("andonId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "escalation_rule_name_key" ON "escalation_rule"("name");

-- CreateIndex
CREATE UNIQUE INDEX "escalation_level_ruleId_kind_level_key" ON "escalation_level"("ruleId", "kind", "level");

-- CreateIndex
CREATE UNIQUE INDEX "escalation_andonId_kind_key" ON "escalation"("andonId", "kind");

-- CreateIndex
CREATE INDEX "escalation_history_escalationId_firedAt_idx" ON "escalation_history"("escalationId", "firedAt");

-- CreateIndex
CREATE INDEX "production_alert_lineId_status_idx" ON "production_alert"("lineId", "status");

-- CreateIndex
CREATE INDEX "notification_userId_createdAt_idx" ON "notification"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "notification_preference_userId_channel_key" ON "notification_preference"("userId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "quality_check_template_name_version_key" ON "quality_check_template"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "quality_characteristic_templateId_position_key" ON "quality_characteristic"("templateId", "position");

-- CreateIndex
CREATE INDEX "quality_check_lineId_dueAt_idx" ON "quality_check"("lineId", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "measurement_checkId_characteristicId_sampleIndex_key" ON "measurement"("checkId", "characteristicId", "sampleIndex");

-- CreateIndex
CREATE UNIQUE INDEX "defect_code_code_key" ON "defect_code"("code");

-- CreateIndex
CREATE INDEX "scrap_record_lineId_reportedAt_idx" ON "scrap_record"("lineId", "reportedAt");

-- CreateIndex
CREATE UNIQUE INDEX "maintenance_work_order_number_key" ON "maintenance_work_order"("number");

-- CreateIndex
CREATE INDEX "maintenance_work_order_equipmentId_createdAt_idx" ON "maintenance_work_order"("equipmentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "maintenance_task_workOrderId_position_key" ON "maintenance_task"("workOrderId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "report_template_key_key" ON "report_template"("key");

-- CreateIndex
CREATE INDEX "report_run_templateId_queuedAt_idx" ON "report_run"("templateId", "queuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "report_schedule_templateId_name_key" ON "report_schedule"("templateId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "report_schedule_run_reportRunId_key" ON "report_schedule_run"("reportRunId");

-- CreateIndex
CREATE UNIQUE INDEX "report_schedule_run_scheduleId_dueAt_key" ON "report_schedule_run"("scheduleId", "dueAt");

-- CreateIndex
CREATE INDEX "processed_stream_entry_processedAt_idx" ON "processed_stream_entry" USING BRIN ("processedAt");

-- AddForeignKey
ALTER TABLE "certification" ADD CONSTRAINT "certification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_token" ADD CONSTRAINT "refresh_token_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_account" ADD CONSTRAINT "service_account_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_serviceAccountId_fkey" FOREIGN KEY ("serviceAccountId") REFERENCES "service_account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actorServiceAccountId_fkey" FOREIGN KEY ("actorServiceAccountId") REFERENCES "service_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "area" ADD CONSTRAINT "area_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "line" ADD CONSTRAINT "line_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plc" ADD CONSTRAINT "plc_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equipment" ADD CONSTRAINT "equipment_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equipment" ADD CONSTRAINT "equipment_plcId_fkey" FOREIGN KEY ("plcId") REFERENCES "plc"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equipment" ADD CONSTRAINT "equipment_tagMapId_fkey" FOREIGN KEY ("tagMapId") REFERENCES "tag_map"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_pattern" ADD CONSTRAINT "shift_pattern_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift" ADD CONSTRAINT "shift_patternId_fkey" FOREIGN KEY ("patternId") REFERENCES "shift_pattern"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_instance" ADD CONSTRAINT "shift_instance_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_assignment" ADD CONSTRAINT "shift_assignment_shiftInstanceId_fkey" FOREIGN KEY ("shiftInstanceId") REFERENCES "shift_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_assignment" ADD CONSTRAINT "shift_assignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_assignment" ADD CONSTRAINT "shift_assignment_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_handover_note" ADD CONSTRAINT "shift_handover_note_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_handover_note" ADD CONSTRAINT "shift_handover_note_shiftInstanceId_fkey" FOREIGN KEY ("shiftInstanceId") REFERENCES "shift_instance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shift_handover_note" ADD CONSTRAINT "shift_handover_note_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_schedule" ADD CONSTRAINT "production_schedule_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "production_schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_target" ADD CONSTRAINT "production_target_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_target" ADD CONSTRAINT "production_target_shiftInstanceId_fkey" FOREIGN KEY ("shiftInstanceId") REFERENCES "shift_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_target" ADD CONSTRAINT "production_target_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_assignedById_fkey" FOREIGN KEY ("assignedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_template" ADD CONSTRAINT "checklist_template_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_template" ADD CONSTRAINT "checklist_template_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_template_item" ADD CONSTRAINT "checklist_template_item_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "checklist_template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "checklist_template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "job_assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_signerId_fkey" FOREIGN KEY ("signerId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_response" ADD CONSTRAINT "checklist_response_completionId_fkey" FOREIGN KEY ("completionId") REFERENCES "checklist_completion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_response" ADD CONSTRAINT "checklist_response_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "checklist_template_item"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_response" ADD CONSTRAINT "checklist_response_answeredById_fkey" FOREIGN KEY ("answeredById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fault_catalog_entry" ADD CONSTRAINT "fault_catalog_entry_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fault_catalog_entry" ADD CONSTRAINT "fault_catalog_entry_suggestedReasonCodeId_fkey" FOREIGN KEY ("suggestedReasonCodeId") REFERENCES "reason_code"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reason_code" ADD CONSTRAINT "reason_code_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "reason_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equipment_state_change" ADD CONSTRAINT "equipment_state_change_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equipment_live_state" ADD CONSTRAINT "equipment_live_state_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "line_live_state" ADD CONSTRAINT "line_live_state_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fault_event" ADD CONSTRAINT "fault_event_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fault_event" ADD CONSTRAINT "fault_event_faultCatalogEntryId_fkey" FOREIGN KEY ("faultCatalogEntryId") REFERENCES "fault_catalog_entry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_suggestedReasonCodeId_fkey" FOREIGN KEY ("suggestedReasonCodeId") REFERENCES "reason_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_reasonCodeId_fkey" FOREIGN KEY ("reasonCodeId") REFERENCES "reason_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_confirmedById_fkey" FOREIGN KEY ("confirmedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_shiftInstanceId_fkey" FOREIGN KEY ("shiftInstanceId") REFERENCES "shift_instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_lineage" ADD CONSTRAINT "downtime_lineage_sourceEventId_fkey" FOREIGN KEY ("sourceEventId") REFERENCES "downtime_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_lineage" ADD CONSTRAINT "downtime_lineage_resultEventId_fkey" FOREIGN KEY ("resultEventId") REFERENCES "downtime_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_lineage" ADD CONSTRAINT "downtime_lineage_performedById_fkey" FOREIGN KEY ("performedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event_audit" ADD CONSTRAINT "downtime_event_audit_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "downtime_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downtime_event_audit" ADD CONSTRAINT "downtime_event_audit_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_count" ADD CONSTRAINT "production_count_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_count" ADD CONSTRAINT "production_count_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_count" ADD CONSTRAINT "production_count_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_count" ADD CONSTRAINT "production_count_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "telemetry_sample" ADD CONSTRAINT "telemetry_sample_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_shiftInstanceId_fkey" FOREIGN KEY ("shiftInstanceId") REFERENCES "shift_instance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "energy_reading" ADD CONSTRAINT "energy_reading_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "job_assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_downtimeEventId_fkey" FOREIGN KEY ("downtimeEventId") REFERENCES "downtime_event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_raisedById_fkey" FOREIGN KEY ("raisedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_attachment" ADD CONSTRAINT "andon_attachment_andonId_fkey" FOREIGN KEY ("andonId") REFERENCES "andon_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event_history" ADD CONSTRAINT "andon_event_history_andonId_fkey" FOREIGN KEY ("andonId") REFERENCES "andon_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "andon_event_history" ADD CONSTRAINT "andon_event_history_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_rule" ADD CONSTRAINT "escalation_rule_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_level" ADD CONSTRAINT "escalation_level_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "escalation_rule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_recipient" ADD CONSTRAINT "escalation_recipient_levelId_fkey" FOREIGN KEY ("levelId") REFERENCES "escalation_level"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_recipient" ADD CONSTRAINT "escalation_recipient_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_recipient" ADD CONSTRAINT "escalation_recipient_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_andonId_fkey" FOREIGN KEY ("andonId") REFERENCES "andon_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "escalation_rule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_history" ADD CONSTRAINT "escalation_history_escalationId_fkey" FOREIGN KEY ("escalationId") REFERENCES "escalation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalation_history" ADD CONSTRAINT "escalation_history_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_alert" ADD CONSTRAINT "production_alert_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "alert_rule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_alert" ADD CONSTRAINT "production_alert_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_alert" ADD CONSTRAINT "production_alert_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "production_alert" ADD CONSTRAINT "production_alert_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_andonId_fkey" FOREIGN KEY ("andonId") REFERENCES "andon_event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_escalationId_fkey" FOREIGN KEY ("escalationId") REFERENCES "escalation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "production_alert"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_fallbackOfId_fkey" FOREIGN KEY ("fallbackOfId") REFERENCES "notification"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check_template" ADD CONSTRAINT "quality_check_template_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check_template" ADD CONSTRAINT "quality_check_template_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_characteristic" ADD CONSTRAINT "quality_characteristic_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "quality_check_template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "quality_check_template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_check" ADD CONSTRAINT "quality_check_inspectorId_fkey" FOREIGN KEY ("inspectorId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "measurement" ADD CONSTRAINT "measurement_checkId_fkey" FOREIGN KEY ("checkId") REFERENCES "quality_check"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "measurement" ADD CONSTRAINT "measurement_characteristicId_fkey" FOREIGN KEY ("characteristicId") REFERENCES "quality_characteristic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "defect_code" ADD CONSTRAINT "defect_code_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "defect_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "work_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_productTypeId_fkey" FOREIGN KEY ("productTypeId") REFERENCES "product_type"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_defectCodeId_fkey" FOREIGN KEY ("defectCodeId") REFERENCES "defect_code"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_qualityCheckId_fkey" FOREIGN KEY ("qualityCheckId") REFERENCES "quality_check"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_reportedById_fkey" FOREIGN KEY ("reportedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_equipmentId_fkey" FOREIGN KEY ("equipmentId") REFERENCES "equipment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_andonId_fkey" FOREIGN KEY ("andonId") REFERENCES "andon_event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_downtimeEventId_fkey" FOREIGN KEY ("downtimeEventId") REFERENCES "downtime_event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_work_order" ADD CONSTRAINT "maintenance_work_order_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_task" ADD CONSTRAINT "maintenance_task_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "maintenance_work_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_task" ADD CONSTRAINT "maintenance_task_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_part_usage" ADD CONSTRAINT "maintenance_part_usage_workOrderId_fkey" FOREIGN KEY ("workOrderId") REFERENCES "maintenance_work_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_run" ADD CONSTRAINT "report_run_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "report_template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_run" ADD CONSTRAINT "report_run_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_schedule" ADD CONSTRAINT "report_schedule_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "report_template"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_schedule" ADD CONSTRAINT "report_schedule_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_schedule_run" ADD CONSTRAINT "report_schedule_run_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "report_schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_schedule_run" ADD CONSTRAINT "report_schedule_run_reportRunId_fkey" FOREIGN KEY ("reportRunId") REFERENCES "report_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;
