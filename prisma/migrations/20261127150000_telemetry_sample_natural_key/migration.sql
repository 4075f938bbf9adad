-- A sample is one read of one signal of one equipment at one instant: that is its key. The consumer
-- inserts samples with ON CONFLICT DO NOTHING on it instead of writing an idempotency row per sample
-- to processed_stream_entry (half the hot write path's cost, BENCHMARKS.md "production").

-- Duplicates cannot exist when every sample came through the consumer; drop any that do (the
-- earliest row of each key stays) so the unique index can be built.
DELETE FROM "telemetry_sample" AS later
USING "telemetry_sample" AS earlier
WHERE later."equipmentId" = earlier."equipmentId"
  AND later."signal" = earlier."signal"
  AND later."recordedAt" = earlier."recordedAt"
  AND later."id" > earlier."id";

DROP INDEX "telemetry_sample_equipmentId_signal_recordedAt_idx";

CREATE UNIQUE INDEX "telemetry_sample_equipmentId_signal_recordedAt_key" ON "telemetry_sample"("equipmentId", "signal", "recordedAt");
