-- The downtime rules in one home. Before this migration they were written three times: here (in
-- apply_equipment_state), in TypeScript for states that arrive late (apply-telemetry-entry.ts) and in
-- TypeScript for split, merge and reclassify (locked-downtime-events.ts). Now:
--   downtime_category_of_state  which equipment states are stops, and of which category;
--   is_micro_stop               a stop shorter than the line's threshold, only for unplanned stops;
--   open_plc_downtime_event     a stop the PLC began: its suggested reason (from the first-out fault's
--                               catalog entry, when that entry is switched on) and its OPENED /
--                               REASON_SUGGESTED (and CLOSED, when already over) audit rows;
--   apply_late_equipment_state  a state older than the equipment's current one, put where it belongs;
--   apply_equipment_state       (replaced) the same effect as before, through the functions above, and
--                               the late path too, so every path goes through one statement.
-- The TypeScript callers only pass values in; split, merge and reclassify ask is_micro_stop().

CREATE FUNCTION downtime_category_of_state(p_state "EquipmentState") RETURNS "DowntimeCategory"
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_state
    WHEN 'DOWN' THEN 'UNPLANNED'::"DowntimeCategory"
    WHEN 'IDLE' THEN 'UNPLANNED'::"DowntimeCategory"
    WHEN 'CHANGEOVER' THEN 'CHANGEOVER'::"DowntimeCategory"
    WHEN 'PLANNED_STOP' THEN 'PLANNED'::"DowntimeCategory"
  END
$$;

CREATE FUNCTION is_micro_stop(
  p_category "DowntimeCategory",
  p_started_at TIMESTAMPTZ,
  p_ended_at TIMESTAMPTZ,
  p_threshold_seconds INTEGER
) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(
    p_category = 'UNPLANNED' AND extract(epoch FROM p_ended_at - p_started_at) < p_threshold_seconds,
    false
  )
$$;

CREATE FUNCTION downtime_audit_instant(p_at TIMESTAMPTZ) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Returns the new stop's id, or NULL when the state is no stop.
CREATE FUNCTION open_plc_downtime_event(
  p_equipment_id UUID,
  p_line_id UUID,
  p_micro_stop_threshold_seconds INTEGER,
  p_state "EquipmentState",
  p_at TIMESTAMPTZ,
  p_ended_at TIMESTAMPTZ,
  p_first_out_fault_code TEXT,
  p_source_stream_id TEXT
) RETURNS UUID LANGUAGE plpgsql AS $$
DECLARE
  v_category "DowntimeCategory" := downtime_category_of_state(p_state);
  v_suggested_reason_id UUID;
  v_id UUID;
BEGIN
  IF v_category IS NULL THEN
    RETURN NULL;
  END IF;
  -- A fault switched off in the catalog suggests nothing (the first-out code is still recorded).
  SELECT "suggestedReasonCodeId" INTO v_suggested_reason_id
  FROM fault_catalog_entry
  WHERE "equipmentId" = p_equipment_id AND "faultCode" = p_first_out_fault_code AND active;
  v_id := gen_random_uuid();
  INSERT INTO downtime_event
    (id, "equipmentId", "lineId", "startedAt", "endedAt", "isMicroStop", category, source, "firstOutFaultCode",
     "suggestedReasonCodeId", "sourceStreamId", "updatedAt")
  VALUES
    (v_id, p_equipment_id, p_line_id, p_at, p_ended_at,
     p_ended_at IS NOT NULL AND is_micro_stop(v_category, p_at, p_ended_at, p_micro_stop_threshold_seconds),
     v_category, 'PLC', p_first_out_fault_code, v_suggested_reason_id, p_source_stream_id, now());
  INSERT INTO downtime_event_audit ("eventId", action, after)
  VALUES (v_id, 'OPENED', jsonb_build_object('state', p_state, 'firstOutFaultCode', p_first_out_fault_code));
  IF v_suggested_reason_id IS NOT NULL THEN
    INSERT INTO downtime_event_audit ("eventId", action, after)
    VALUES (v_id, 'REASON_SUGGESTED', jsonb_build_object('suggestedReasonCodeId', v_suggested_reason_id));
  END IF;
  IF p_ended_at IS NOT NULL THEN
    INSERT INTO downtime_event_audit ("eventId", action, after)
    VALUES (v_id, 'CLOSED', jsonb_build_object('endedAt', downtime_audit_instant(p_ended_at)));
  END IF;
  RETURN v_id;
END;
$$;

-- A state older than the equipment's current one: consumers of one group may apply a stream's entries
-- out of order (a killed consumer's batch is claimed after a restarted one applied newer entries). The
-- state is inserted where it belongs: the interval it falls in ends at it, it lasts until the next
-- known state, and the stops follow. Live and line state stay as they are: they already show
-- something newer. Returns {"outcome": "inserted", "endedDowntimeId", "startedDowntimeId"}, or
-- {"outcome": "ignored"} when another state already begins at that instant (the recorded one stands)
-- or no newer state exists.
CREATE FUNCTION apply_late_equipment_state(
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
  v_next_started TIMESTAMPTZ;
  v_containing equipment_state_change%ROWTYPE;
  v_interrupted downtime_event%ROWTYPE;
  v_started_downtime_id UUID;
BEGIN
  SELECT "startedAt" INTO v_next_started FROM equipment_state_change
  WHERE "equipmentId" = p_equipment_id AND "startedAt" > p_at
  ORDER BY "startedAt" ASC LIMIT 1;
  IF v_next_started IS NULL THEN
    RETURN jsonb_build_object('outcome', 'ignored');
  END IF;
  SELECT * INTO v_containing FROM equipment_state_change
  WHERE "equipmentId" = p_equipment_id AND "startedAt" <= p_at AND "endedAt" > p_at
  ORDER BY "startedAt" DESC LIMIT 1;
  IF v_containing.id IS NOT NULL AND v_containing."startedAt" = p_at THEN
    RETURN jsonb_build_object('outcome', 'ignored');
  END IF;
  IF v_containing.id IS NOT NULL THEN
    UPDATE equipment_state_change SET "endedAt" = p_at WHERE id = v_containing.id;
  END IF;
  INSERT INTO equipment_state_change
    (id, "equipmentId", state, "startedAt", "endedAt", "stateCode", "firstOutFaultCode", "sourceStreamId",
     "plcSequence")
  VALUES
    (gen_random_uuid(), p_equipment_id, p_state, p_at, v_next_started, p_state_code, p_first_out_fault_code,
     p_source_stream_id, p_plc_sequence);

  -- The stop under way at p_at (begun by the containing state) ends where the new state begins.
  SELECT * INTO v_interrupted FROM downtime_event
  WHERE "equipmentId" = p_equipment_id AND "supersededAt" IS NULL AND "startedAt" < p_at
    AND ("endedAt" IS NULL OR "endedAt" > p_at)
  LIMIT 1;
  IF v_interrupted.id IS NOT NULL THEN
    UPDATE downtime_event
    SET "endedAt" = p_at,
      "isMicroStop" = is_micro_stop(v_interrupted.category, v_interrupted."startedAt", p_at,
        p_micro_stop_threshold_seconds),
      "updatedAt" = now()
    WHERE id = v_interrupted.id;
    INSERT INTO downtime_event_audit ("eventId", action, before, after)
    VALUES (v_interrupted.id, 'CLOSED',
      jsonb_build_object('endedAt', downtime_audit_instant(v_interrupted."endedAt")),
      jsonb_build_object('endedAt', downtime_audit_instant(p_at)));
  END IF;

  v_started_downtime_id := open_plc_downtime_event(p_equipment_id, p_line_id, p_micro_stop_threshold_seconds,
    p_state, p_at, v_next_started, p_first_out_fault_code, p_source_stream_id);
  RETURN jsonb_build_object(
    'outcome', 'inserted',
    'endedDowntimeId', v_interrupted.id,
    'startedDowntimeId', v_started_downtime_id
  );
END;
$$;

-- As in migration 20261127151000_apply_equipment_state, through the functions above; a state older
-- than the equipment's open one now goes to apply_late_equipment_state in the same statement (it
-- answered {"outcome": "late"} and the caller inserted it with a dozen queries of its own).
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
  v_open_id UUID;
  v_open_started TIMESTAMPTZ;
  v_stop downtime_event%ROWTYPE;
  v_ended_downtime_id UUID;
  v_started_downtime_id UUID;
  v_line_state "EquipmentState";
  v_current_line_state "EquipmentState";
BEGIN
  IF EXISTS (SELECT 1 FROM equipment_state_change WHERE "sourceStreamId" = p_source_stream_id) THEN
    RETURN jsonb_build_object('outcome', 'duplicate');
  END IF;

  SELECT id, "startedAt" INTO v_open_id, v_open_started
  FROM equipment_state_change WHERE "equipmentId" = p_equipment_id AND "endedAt" IS NULL;
  IF v_open_id IS NOT NULL AND v_open_started > p_at THEN
    RETURN apply_late_equipment_state(p_equipment_id, p_line_id, p_micro_stop_threshold_seconds, p_state, p_at,
      p_state_code, p_first_out_fault_code, p_source_stream_id, p_plc_sequence);
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
