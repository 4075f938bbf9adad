-- A tag map is written in one driver's address syntax (Logix symbols or SLC data-table addresses):
-- the API checks each binding's address against it when the map is edited, and refuses binding
-- equipment on a PLC of another driver to it. Existing maps take the driver of the PLCs that use
-- them (LOGIX when unused or used by none).
ALTER TABLE "tag_map" ADD COLUMN "driver" "PlcDriver" NOT NULL DEFAULT 'LOGIX';
UPDATE "tag_map" t SET "driver" = p."driver"
FROM "equipment" e JOIN "plc" p ON p."id" = e."plcId"
WHERE e."tagMapId" = t."id";
