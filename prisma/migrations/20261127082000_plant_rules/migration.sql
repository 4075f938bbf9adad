-- Rules the database holds whatever the application does. Prisma cannot declare CHECK
-- constraints, partial indexes or triggers, so they live here; each is named after what it refuses.

-- ---------------------------------------------------------------------------------------------
-- Times run forwards
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_ends_after_start" CHECK ("endedAt" IS NULL OR "endedAt" > "startedAt");
ALTER TABLE "equipment_state_change" ADD CONSTRAINT "equipment_state_change_ends_after_start" CHECK ("endedAt" IS NULL OR "endedAt" >= "startedAt");
ALTER TABLE "fault_event" ADD CONSTRAINT "fault_event_falls_after_rise" CHECK ("fallingAt" IS NULL OR "fallingAt" >= "risingAt");
ALTER TABLE "shift_instance" ADD CONSTRAINT "shift_instance_ends_after_start" CHECK ("endsAt" > "startsAt");
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_ends_after_start" CHECK ("plannedEnd" > "plannedStart");
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_actual_ends_after_start" CHECK ("actualEnd" IS NULL OR "actualStart" IS NULL OR "actualEnd" >= "actualStart");
ALTER TABLE "production_schedule" ADD CONSTRAINT "production_schedule_ends_after_start" CHECK ("periodEnd" > "periodStart");
ALTER TABLE "production_target" ADD CONSTRAINT "production_target_ends_after_start" CHECK ("periodEnd" > "periodStart");
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_ends_after_start" CHECK ("bucketEnd" > "bucketStart");

-- ---------------------------------------------------------------------------------------------
-- OEE figures are ratios of non-negative times and counts
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_availability_is_a_ratio" CHECK ("availability" >= 0 AND "availability" <= 1);
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_quality_is_a_ratio" CHECK ("quality" >= 0 AND "quality" <= 1);
-- Performance above 1 means the ideal cycle time is wrong; it is stored (and flagged) rather than lost.
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_performance_not_negative" CHECK ("performance" >= 0);
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_oee_not_negative" CHECK ("oee" >= 0);
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_counts_not_negative" CHECK ("goodCount" >= 0 AND "rejectCount" >= 0 AND "totalCount" = "goodCount" + "rejectCount");
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_run_within_planned" CHECK ("plannedProductionSeconds" >= 0 AND "runSeconds" >= 0 AND "runSeconds" <= "plannedProductionSeconds");
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_losses_not_negative" CHECK (
  "breakdownSeconds" >= 0 AND "setupAdjustmentSeconds" >= 0 AND "smallStopSeconds" >= 0 AND
  "reducedSpeedSeconds" >= 0 AND "startupRejectSeconds" >= 0 AND "productionRejectSeconds" >= 0);
ALTER TABLE "oee_record" ADD CONSTRAINT "oee_record_scope_matches_subject" CHECK (
  ("scope" = 'EQUIPMENT' AND "equipmentId" IS NOT NULL) OR ("scope" = 'LINE' AND "equipmentId" IS NULL));

-- ---------------------------------------------------------------------------------------------
-- Quantities are not negative
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "production_count" ADD CONSTRAINT "production_count_deltas_not_negative" CHECK ("goodDelta" >= 0 AND "rejectDelta" >= 0);
ALTER TABLE "work_order" ADD CONSTRAINT "work_order_quantities_valid" CHECK ("plannedQuantity" > 0 AND "goodQuantity" >= 0 AND "rejectQuantity" >= 0);
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_quantities_not_negative" CHECK (
  ("plannedQuantity" IS NULL OR "plannedQuantity" > 0) AND
  ("actualGoodQuantity" IS NULL OR "actualGoodQuantity" >= 0) AND
  ("actualRejectQuantity" IS NULL OR "actualRejectQuantity" >= 0));
ALTER TABLE "production_target" ADD CONSTRAINT "production_target_quantity_not_negative" CHECK ("targetQuantity" >= 0);
ALTER TABLE "material_consumption" ADD CONSTRAINT "material_consumption_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "scrap_record" ADD CONSTRAINT "scrap_record_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "energy_reading" ADD CONSTRAINT "energy_reading_not_negative" CHECK ("meterKwh" >= 0 AND "deltaKwh" >= 0);
ALTER TABLE "maintenance_part_usage" ADD CONSTRAINT "maintenance_part_usage_quantity_positive" CHECK ("quantity" > 0 AND ("unitCost" IS NULL OR "unitCost" >= 0));
ALTER TABLE "maintenance_task" ADD CONSTRAINT "maintenance_task_minutes_not_negative" CHECK ("minutesSpent" >= 0);
ALTER TABLE "notification" ADD CONSTRAINT "notification_attempts_not_negative" CHECK ("attempts" >= 0);
ALTER TABLE "andon_attachment" ADD CONSTRAINT "andon_attachment_size_positive" CHECK ("sizeBytes" > 0);

-- ---------------------------------------------------------------------------------------------
-- Plant master data
-- ---------------------------------------------------------------------------------------------
-- A line's code is the Redis Cluster hash tag of its streams: keep it to safe characters.
ALTER TABLE "line" ADD CONSTRAINT "line_code_is_a_stream_key" CHECK ("code" ~ '^[a-z0-9][a-z0-9-]{0,62}$');
ALTER TABLE "line" ADD CONSTRAINT "line_targets_valid" CHECK ("oeeTarget" > 0 AND "oeeTarget" <= 1 AND "microStopThresholdSeconds" >= 0);
ALTER TABLE "equipment" ADD CONSTRAINT "equipment_targets_valid" CHECK (
  "targetSpeedPerMinute" > 0 AND
  "availabilityTarget" > 0 AND "availabilityTarget" <= 1 AND
  "performanceTarget" > 0 AND "performanceTarget" <= 1 AND
  "qualityTarget" > 0 AND "qualityTarget" <= 1 AND
  "oeeTarget" > 0 AND "oeeTarget" <= 1);
ALTER TABLE "plc" ADD CONSTRAINT "plc_address_valid" CHECK ("port" BETWEEN 1 AND 65535 AND "slot" >= 0);
ALTER TABLE "product_type" ADD CONSTRAINT "product_type_ideal_rate_positive" CHECK ("idealCycleTimeSeconds" > 0 AND "idealRatePerMinute" > 0);
ALTER TABLE "shift" ADD CONSTRAINT "shift_times_valid" CHECK (
  "startMinuteOfDay" BETWEEN 0 AND 1439 AND "durationMinutes" BETWEEN 1 AND 1440 AND
  "plannedBreakMinutes" >= 0 AND "plannedBreakMinutes" < "durationMinutes" AND
  "weekdays" <@ ARRAY[1, 2, 3, 4, 5, 6, 7] AND cardinality("weekdays") > 0);
ALTER TABLE "fault_catalog_entry" ADD CONSTRAINT "fault_catalog_entry_bit_valid" CHECK ("bitIndex" >= 0 AND "bitIndex" < 1024);
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_has_a_role" CHECK (cardinality("roles") > 0);
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_ids_not_blank" CHECK (length(trim("employeeId")) > 0 AND length(trim("username")) > 0);
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_has_a_scope" CHECK (cardinality("scopes") > 0);

-- ---------------------------------------------------------------------------------------------
-- Workflow states carry the facts they claim
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "job_assignment" ADD CONSTRAINT "job_assignment_state_has_its_timestamps" CHECK (
  ("status" <> 'ACCEPTED' OR "acceptedAt" IS NOT NULL) AND
  ("status" <> 'IN_PROGRESS' OR "startedAt" IS NOT NULL) AND
  ("status" <> 'COMPLETED' OR ("completedAt" IS NOT NULL AND "startedAt" IS NOT NULL AND "actualGoodQuantity" IS NOT NULL)) AND
  ("status" <> 'CANCELLED' OR ("cancelledAt" IS NOT NULL AND "cancelReason" IS NOT NULL AND length(trim("cancelReason")) > 0)));
ALTER TABLE "checklist_template" ADD CONSTRAINT "checklist_template_has_a_scope" CHECK ("equipmentId" IS NOT NULL OR "lineId" IS NOT NULL);
ALTER TABLE "checklist_template_item" ADD CONSTRAINT "checklist_template_item_limits_valid" CHECK (
  ("minValue" IS NULL OR "maxValue" IS NULL OR "minValue" <= "maxValue") AND
  ("type" <> 'SELECT' OR cardinality("options") > 0));
ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_signature_complete" CHECK (
  "status" <> 'SIGNED' OR ("signerId" IS NOT NULL AND "signedAt" IS NOT NULL AND "contentHash" IS NOT NULL AND "signatureMeaning" IS NOT NULL));
ALTER TABLE "downtime_event" ADD CONSTRAINT "downtime_event_confirmation_has_a_reason" CHECK ("confirmedAt" IS NULL OR "reasonCodeId" IS NOT NULL);
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_state_has_its_timestamps" CHECK (
  ("status" NOT IN ('ACKNOWLEDGED', 'IN_PROGRESS') OR "acknowledgedAt" IS NOT NULL) AND
  ("status" NOT IN ('RESOLVED', 'CLOSED') OR "resolvedAt" IS NOT NULL) AND
  ("status" <> 'CLOSED' OR "closedAt" IS NOT NULL));
ALTER TABLE "andon_event" ADD CONSTRAINT "andon_event_counters_not_negative" CHECK ("reopenCount" >= 0 AND "repeatCount" >= 0);
ALTER TABLE "escalation_rule" ADD CONSTRAINT "escalation_rule_timeouts_positive" CHECK (
  "acknowledgeTimeoutSeconds" > 0 AND "resolveTimeoutSeconds" > 0 AND ("reminderIntervalSeconds" IS NULL OR "reminderIntervalSeconds" > 0));
ALTER TABLE "escalation_level" ADD CONSTRAINT "escalation_level_valid" CHECK ("level" >= 1 AND "delaySeconds" >= 0 AND cardinality("channels") > 0);
ALTER TABLE "escalation_recipient" ADD CONSTRAINT "escalation_recipient_names_its_target" CHECK (
  ("kind" = 'ROLE' AND "role" IS NOT NULL) OR ("kind" = 'USER' AND "userId" IS NOT NULL) OR ("kind" = 'SHIFT' AND "shiftId" IS NOT NULL));
ALTER TABLE "escalation" ADD CONSTRAINT "escalation_active_has_a_due_time" CHECK ("status" <> 'ACTIVE' OR "nextDueAt" IS NOT NULL);
ALTER TABLE "quality_characteristic" ADD CONSTRAINT "quality_characteristic_spec_valid" CHECK ("lowerSpec" IS NULL OR "upperSpec" IS NULL OR "lowerSpec" <= "upperSpec");
ALTER TABLE "quality_check_template" ADD CONSTRAINT "quality_check_template_sampling_valid" CHECK ("sampleSize" > 0 AND ("frequencyMinutes" IS NULL OR "frequencyMinutes" > 0));
ALTER TABLE "report_schedule" ADD CONSTRAINT "report_schedule_cron_has_five_fields" CHECK ("cron" ~ '^\S+(\s+\S+){4}$');
ALTER TABLE "alert_rule" ADD CONSTRAINT "alert_rule_duration_not_negative" CHECK ("durationSeconds" >= 0);

-- ---------------------------------------------------------------------------------------------
-- At most one open row: what stream replays and concurrent instances must never duplicate
-- ---------------------------------------------------------------------------------------------
CREATE UNIQUE INDEX "downtime_event_one_open_per_equipment" ON "downtime_event" ("equipmentId") WHERE "endedAt" IS NULL AND "supersededAt" IS NULL;
CREATE UNIQUE INDEX "equipment_state_change_one_open_per_equipment" ON "equipment_state_change" ("equipmentId") WHERE "endedAt" IS NULL;
CREATE UNIQUE INDEX "fault_event_one_open_per_bit" ON "fault_event" ("equipmentId", "bitIndex") WHERE "fallingAt" IS NULL;
CREATE UNIQUE INDEX "andon_event_one_open_per_equipment_fault" ON "andon_event" ("equipmentId", "faultCode")
  WHERE "faultCode" IS NOT NULL AND "status" IN ('OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS');
CREATE UNIQUE INDEX "production_alert_one_active_per_rule" ON "production_alert" ("ruleId") WHERE "ruleId" IS NOT NULL AND "status" <> 'CLEARED';
-- The escalation timer scan: only active escalations, by due time.
CREATE INDEX "escalation_active_by_due_time" ON "escalation" ("nextDueAt") WHERE "status" = 'ACTIVE';
-- Untagged stops for the handover and the operator's "confirm reason" list.
CREATE INDEX "downtime_event_unconfirmed" ON "downtime_event" ("lineId", "startedAt") WHERE "confirmedAt" IS NULL AND "supersededAt" IS NULL;

-- ---------------------------------------------------------------------------------------------
-- Records that must not change once written
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION "ms5_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "audit_log_is_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "ms5_refuse_change"();
CREATE TRIGGER "downtime_event_audit_is_append_only" BEFORE UPDATE OR DELETE ON "downtime_event_audit" FOR EACH ROW EXECUTE FUNCTION "ms5_refuse_change"();
CREATE TRIGGER "escalation_history_is_append_only" BEFORE UPDATE OR DELETE ON "escalation_history" FOR EACH ROW EXECUTE FUNCTION "ms5_refuse_change"();

-- A signed checklist is an electronic record: neither it nor its responses may change afterwards.
CREATE FUNCTION "ms5_refuse_change_to_signed_checklist"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  completion_id uuid;
BEGIN
  IF TG_TABLE_NAME = 'checklist_completion' THEN
    IF OLD."status" = 'SIGNED' THEN
      RAISE EXCEPTION 'checklist completion % is signed and cannot be changed', OLD."id" USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSE
    completion_id := CASE WHEN TG_OP = 'INSERT' THEN NEW."completionId" ELSE OLD."completionId" END;
    IF EXISTS (SELECT 1 FROM "checklist_completion" WHERE "id" = completion_id AND "status" = 'SIGNED') THEN
      RAISE EXCEPTION 'checklist completion % is signed and its responses cannot be changed', completion_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER "checklist_completion_immutable_once_signed" BEFORE UPDATE OR DELETE ON "checklist_completion" FOR EACH ROW EXECUTE FUNCTION "ms5_refuse_change_to_signed_checklist"();
CREATE TRIGGER "checklist_response_immutable_once_signed" BEFORE INSERT OR UPDATE OR DELETE ON "checklist_response" FOR EACH ROW EXECUTE FUNCTION "ms5_refuse_change_to_signed_checklist"();
