-- A state entry repeating the state the equipment is already in changes nothing. The bridge
-- reports the state of its first read after every start as a transition from nothing (it cannot
-- know what it published before a kill, and an emptied buffer folder forgets it for good); applied
-- as a change, it ended the open state and its stop and opened another: one DOWN on the PLC, two
-- stops in the database (found by the chaos suite, kill -9 of the bridge during a stop).
-- Otherwise the function of 20261127151000_apply_equipment_state, unchanged.
CREATE OR REPLACE FUNCTION apply_equipment_state(
  p_equipment_id UUID,
  p_line_id UUID,
  p_micro_stop_threshold_seconds INTEGER,
  p_state "EquipmentState",
  p_at TIMESTAMPTZ,
  p_state_code INTEGER,
  p_first_out_fault_code TEXT,
  p_source_stream_id TEXT,
  p_plc_sequence BIGINT
) RETURNS JSONB LANGUAGE plpgsql AS $$
DECLARE
  v_at_iso TEXT := to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  v_open_id UUID;
  v_open_started TIMESTAMPTZ;
  v_open_state "EquipmentState";
  v_stop downtime_event%ROWTYPE;
  v_ended_downtime_id UUID;
  v_started_downtime_id UUID;
  v_seconds DOUBLE PRECISION;
  v_category "DowntimeCategory";
  v_suggested_reason_id UUID;
  v_line_state "EquipmentState";
  v_current_line_state "EquipmentState";
BEGIN
  IF EXISTS (SELECT 1 FROM equipment_state_change WHERE "sourceStreamId" = p_source_stream_id) THEN
    RETURN jsonb_build_object('outcome', 'duplicate');
  END IF;

  SELECT id, "startedAt", state INTO v_open_id, v_open_started, v_open_state
  FROM equipment_state_change WHERE "equipmentId" = p_equipment_id AND "endedAt" IS NULL;
  IF v_open_id IS NOT NULL AND v_open_started > p_at THEN
    RETURN jsonb_build_object('outcome', 'late');
  END IF;
  -- The state the equipment is in already: a bridge that restarted (or started on an emptied
  -- buffer folder) reports the state it first reads, which is no transition. Ending the open
  -- state and stop there would split one stop in two.
  IF v_open_id IS NOT NULL AND v_open_state = p_state THEN
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
    v_seconds := extract(epoch FROM p_at - v_stop."startedAt");
    IF v_seconds > 0 THEN
      UPDATE downtime_event
      SET "endedAt" = p_at,
        "isMicroStop" = (v_stop.category = 'UNPLANNED' AND v_seconds < p_micro_stop_threshold_seconds),
        "updatedAt" = now()
      WHERE id = v_stop.id;
    ELSE
      -- Ended the instant it began (two entries with one timestamp): no stop, so it stops counting.
      UPDATE downtime_event SET "supersededAt" = p_at, "updatedAt" = now() WHERE id = v_stop.id;
    END IF;
    INSERT INTO downtime_event_audit ("eventId", action, after)
    VALUES (v_stop.id, 'CLOSED', jsonb_build_object('endedAt', v_at_iso));
    v_ended_downtime_id := v_stop.id;
  END IF;

  v_category := CASE p_state
    WHEN 'DOWN' THEN 'UNPLANNED'::"DowntimeCategory"
    WHEN 'IDLE' THEN 'UNPLANNED'::"DowntimeCategory"
    WHEN 'CHANGEOVER' THEN 'CHANGEOVER'::"DowntimeCategory"
    WHEN 'PLANNED_STOP' THEN 'PLANNED'::"DowntimeCategory"
  END;
  IF v_category IS NOT NULL THEN
    -- A fault switched off in the catalog suggests nothing (the first-out code is still recorded).
    SELECT "suggestedReasonCodeId" INTO v_suggested_reason_id
    FROM fault_catalog_entry
    WHERE "equipmentId" = p_equipment_id AND "faultCode" = p_first_out_fault_code AND active;
    v_started_downtime_id := gen_random_uuid();
    INSERT INTO downtime_event
      (id, "equipmentId", "lineId", "startedAt", "isMicroStop", category, source, "firstOutFaultCode",
       "suggestedReasonCodeId", "sourceStreamId", "updatedAt")
    VALUES
      (v_started_downtime_id, p_equipment_id, p_line_id, p_at, false, v_category, 'PLC', p_first_out_fault_code,
       v_suggested_reason_id, p_source_stream_id, now());
    INSERT INTO downtime_event_audit ("eventId", action, after)
    VALUES (v_started_downtime_id, 'OPENED',
      jsonb_build_object('state', p_state, 'firstOutFaultCode', p_first_out_fault_code));
    IF v_suggested_reason_id IS NOT NULL THEN
      INSERT INTO downtime_event_audit ("eventId", action, after)
      VALUES (v_started_downtime_id, 'REASON_SUGGESTED',
        jsonb_build_object('suggestedReasonCodeId', v_suggested_reason_id));
    END IF;
  END IF;

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
