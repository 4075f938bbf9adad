-- 20261215090000_downtime_rules_in_one_home replaced apply_equipment_state without the rule of
-- 20261207000000_repeated_state_is_no_change (the two were written side by side). The rule comes
-- back narrower: only the bridge's first read after a start (an entry without a previous state)
-- repeating the state the equipment is in already changes nothing, or a bridge restarted during a
-- stop splits it in two (found by the chaos suite); an equal state arriving while an older one is
-- still on its way (entries out of order) is a transition as before. Otherwise the function of
-- 20261215090000, with the new last argument.
DROP FUNCTION apply_equipment_state(UUID, UUID, INTEGER, "EquipmentState", TIMESTAMPTZ, INTEGER, TEXT, TEXT, BIGINT);
CREATE OR REPLACE FUNCTION apply_equipment_state(
  p_equipment_id UUID,
  p_line_id UUID,
  p_micro_stop_threshold_seconds INTEGER,
  p_state "EquipmentState",
  p_at TIMESTAMPTZ,
  p_state_code INTEGER,
  p_first_out_fault_code TEXT,
  p_source_stream_id TEXT,
  p_plc_sequence BIGINT,
  p_first_read BOOLEAN DEFAULT false
) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_open_id UUID;
  v_open_started TIMESTAMPTZ;
  v_open_state "EquipmentState";
  v_stop downtime_event%ROWTYPE;
  v_ended_downtime_id UUID;
  v_started_downtime_id UUID;
  v_line_state "EquipmentState";
  v_current_line_state "EquipmentState";
BEGIN
  IF EXISTS (SELECT 1 FROM equipment_state_change WHERE "sourceStreamId" = p_source_stream_id) THEN
    RETURN jsonb_build_object('outcome', 'duplicate');
  END IF;

  SELECT id, "startedAt", state INTO v_open_id, v_open_started, v_open_state
  FROM equipment_state_change WHERE "equipmentId" = p_equipment_id AND "endedAt" IS NULL;
  IF v_open_id IS NOT NULL AND v_open_started > p_at THEN
    RETURN apply_late_equipment_state(p_equipment_id, p_line_id, p_micro_stop_threshold_seconds, p_state, p_at,
      p_state_code, p_first_out_fault_code, p_source_stream_id, p_plc_sequence);
  END IF;
  -- The state the equipment is in already, from a bridge's first read after it started (or started
  -- on an emptied buffer folder): no transition. Ending the open state and stop there would split
  -- one stop in two.
  IF p_first_read AND v_open_id IS NOT NULL AND v_open_state = p_state THEN
    RETURN jsonb_build_object('outcome', 'duplicate');
  END IF;
  IF v_open_id IS NOT NULL THEN
    UPDATE equipment_state_change SET "endedAt" = p_at WHERE id = v_open_id;
  END IF;
  INSERT INTO equipment_state_change
    (id, "equipmentId", state, "startedAt", "stateCode", "firstOutFaultCode", "sourceStreamId", "plcSequence")
  VALUES
    (gen_random_uuid(), p_equipment_id, p_state, p_at, p_state_code, p_first_out_fault_code, p_source_stream_id,
     p_plc_sequence);

  SELECT * INTO v_stop FROM downtime_event
  WHERE "equipmentId" = p_equipment_id AND "endedAt" IS NULL AND "supersededAt" IS NULL
  LIMIT 1;
  IF v_stop.id IS NOT NULL THEN
    IF p_at > v_stop."startedAt" THEN
      UPDATE downtime_event
      SET "endedAt" = p_at,
        "isMicroStop" = is_micro_stop(v_stop.category, v_stop."startedAt", p_at, p_micro_stop_threshold_seconds),
        "updatedAt" = now()
      WHERE id = v_stop.id;
    ELSE
      -- Ended the instant it began (two entries with one timestamp): no stop, so it stops counting.
      UPDATE downtime_event SET "supersededAt" = p_at, "updatedAt" = now() WHERE id = v_stop.id;
    END IF;
    INSERT INTO downtime_event_audit ("eventId", action, after)
    VALUES (v_stop.id, 'CLOSED', jsonb_build_object('endedAt', downtime_audit_instant(p_at)));
    v_ended_downtime_id := v_stop.id;
  END IF;

  v_started_downtime_id := open_plc_downtime_event(p_equipment_id, p_line_id, p_micro_stop_threshold_seconds,
    p_state, p_at, NULL, p_first_out_fault_code, p_source_stream_id);

  INSERT INTO equipment_live_state ("equipmentId", state, since, "commsOk", "lastStreamId", "updatedAt")
  VALUES (p_equipment_id, p_state, p_at, p_state <> 'COMMS_LOST', p_source_stream_id, now())
  ON CONFLICT ("equipmentId") DO UPDATE
  SET state = EXCLUDED.state, since = EXCLUDED.since, "commsOk" = EXCLUDED."commsOk",
    "lastStreamId" = EXCLUDED."lastStreamId", "updatedAt" = EXCLUDED."updatedAt";

  -- The line makes what its constraint makes; without one the most severe known state is the
  -- line's (a line with one machine down is down), and COMMS_LOST only when nothing is known.
  SELECT CASE
      WHEN bool_or(e."isConstraint") THEN (array_agg(live.state ORDER BY e.id) FILTER (WHERE e."isConstraint"))[1]
      WHEN bool_and(live.state = 'COMMS_LOST') THEN 'COMMS_LOST'::"EquipmentState"
      ELSE (array_agg(live.state ORDER BY array_position(
        ARRAY['DOWN', 'CHANGEOVER', 'PLANNED_STOP', 'IDLE', 'RUNNING']::"EquipmentState"[], live.state))
        FILTER (WHERE live.state <> 'COMMS_LOST'))[1]
    END INTO v_line_state
  FROM equipment e JOIN equipment_live_state live ON live."equipmentId" = e.id
  WHERE e."lineId" = p_line_id AND e.active;
  SELECT state INTO v_current_line_state FROM line_live_state WHERE "lineId" = p_line_id;
  IF v_line_state IS NOT NULL AND v_line_state IS DISTINCT FROM v_current_line_state THEN
    INSERT INTO line_live_state ("lineId", state, since, "updatedAt")
    VALUES (p_line_id, v_line_state, p_at, now())
    ON CONFLICT ("lineId") DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since, "updatedAt" = now();
  ELSE
    v_line_state := NULL;
  END IF;

  RETURN jsonb_build_object(
    'outcome', 'applied',
    'endedDowntimeId', v_ended_downtime_id,
    'startedDowntimeId', v_started_downtime_id,
    'lineState', v_line_state
  );
END;
$$;
