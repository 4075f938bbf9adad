-- What an equipment makes right now comes from the job running on it, not from the schedule: the
-- live state records the running job's work order and product, kept by the database whenever a job
-- (or its work order's product) changes, so the telemetry commit path never looks jobs up. OEE
-- buckets say whether their product came from a running job or only from the schedule.

CREATE TYPE "ProductSource" AS ENUM ('RUNNING_JOB', 'SCHEDULE');

ALTER TABLE equipment_live_state ADD COLUMN "currentProductTypeId" UUID;
ALTER TABLE oee_record ADD COLUMN "productSource" "ProductSource";

-- The running job of each equipment of a line: one IN_PROGRESS job with a work order assigned to
-- that equipment, else one assigned to the whole line (no equipment); the latest started wins.
CREATE FUNCTION refresh_running_work_order(p_line_id uuid, p_equipment_id uuid DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
  UPDATE equipment_live_state live
  SET "currentWorkOrderId" = running."workOrderId", "currentProductTypeId" = running."productTypeId"
  FROM equipment e
  LEFT JOIN LATERAL (
    SELECT j."workOrderId", w."productTypeId"
    FROM job_assignment j JOIN work_order w ON w.id = j."workOrderId"
    WHERE j."lineId" = e."lineId" AND j.status = 'IN_PROGRESS'
      AND (j."equipmentId" = e.id OR j."equipmentId" IS NULL)
    ORDER BY j."equipmentId" IS NULL, j."startedAt" DESC NULLS LAST, j.id
    LIMIT 1
  ) running ON true
  WHERE live."equipmentId" = e.id AND e."lineId" = p_line_id
    AND (p_equipment_id IS NULL OR e.id = p_equipment_id)
    AND (live."currentWorkOrderId", live."currentProductTypeId")
      IS DISTINCT FROM (running."workOrderId", running."productTypeId");
$$;

CREATE FUNCTION job_changed_running_work_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."lineId" IS DISTINCT FROM NEW."lineId" THEN
    PERFORM refresh_running_work_order(OLD."lineId");
  END IF;
  PERFORM refresh_running_work_order(NEW."lineId");
  RETURN NULL;
END;
$$;

CREATE TRIGGER job_assignment_running_work_order
AFTER INSERT OR UPDATE OF status, "workOrderId", "equipmentId", "lineId" ON job_assignment
FOR EACH ROW EXECUTE FUNCTION job_changed_running_work_order();

CREATE FUNCTION work_order_product_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM job_assignment WHERE "workOrderId" = NEW.id AND status = 'IN_PROGRESS') THEN
    PERFORM refresh_running_work_order(NEW."lineId");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER work_order_running_product
AFTER UPDATE OF "productTypeId" ON work_order
FOR EACH ROW EXECUTE FUNCTION work_order_product_changed();

-- An equipment's first telemetry creates its live-state row; a job may already be running on it.
-- AFTER INSERT fires only when a row is really inserted, not on the ON CONFLICT update of every
-- later state, so the hot path pays nothing.
CREATE FUNCTION live_state_created_running_work_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_running_work_order(e."lineId", e.id) FROM equipment e WHERE e.id = NEW."equipmentId";
  RETURN NULL;
END;
$$;

CREATE TRIGGER equipment_live_state_running_work_order
AFTER INSERT ON equipment_live_state
FOR EACH ROW EXECUTE FUNCTION live_state_created_running_work_order();

-- Rows that exist already follow the jobs running now.
SELECT refresh_running_work_order(id) FROM line;
