-- Analytics pages of line x day read the DAY buckets of one scope in (bucketStart, lineId) order,
-- a page after a keyset: this index serves that order and stops after the page, where the
-- (lineId, bucket, bucketStart) index made every page read and sort the whole range.
CREATE INDEX "oee_record_bucket_scope_bucketStart_lineId_idx" ON "oee_record"("bucket", "scope", "bucketStart", "lineId");
