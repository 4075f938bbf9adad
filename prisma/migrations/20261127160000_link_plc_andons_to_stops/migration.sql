-- A PLC fault reaches two consumers at once: the andon subgraph raises an andon from the fault
-- stream, the production subgraph opens the stop from the telemetry stream. The andon links the
-- stop when the stop is there first (fault-andons.ts); when the stop opens after, this trigger
-- links the equipment's open, unlinked PLC andons raised around its start, and their work orders.
CREATE FUNCTION link_plc_andons_to_new_stop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH linked AS (
    UPDATE andon_event
    SET "downtimeEventId" = NEW.id, "updatedAt" = now()
    WHERE "equipmentId" = NEW."equipmentId"
      AND source = 'PLC'
      AND "downtimeEventId" IS NULL
      AND status IN ('OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS')
      -- The fault edge and the state change come from one scan; the window allows for the PLC's
      -- state logic taking a few scans to stop the machine.
      AND "raisedAt" BETWEEN NEW."startedAt" - interval '10 seconds' AND NEW."startedAt" + interval '10 seconds'
    RETURNING id
  )
  UPDATE maintenance_work_order
  SET "downtimeEventId" = NEW.id
  WHERE "andonId" IN (SELECT id FROM linked) AND "downtimeEventId" IS NULL;
  RETURN NULL;
END;
$$;

CREATE TRIGGER downtime_event_links_plc_andons
AFTER INSERT ON downtime_event
FOR EACH ROW WHEN (NEW.source = 'PLC' AND NEW."endedAt" IS NULL AND NEW."supersededAt" IS NULL)
EXECUTE FUNCTION link_plc_andons_to_new_stop();

-- The trigger finds an equipment's andons by equipment.
CREATE INDEX "andon_event_equipmentId_status_idx" ON "andon_event"("equipmentId", "status");
