-- Release checks are signed like checklists: beside the SHA-256 of the signed content, an
-- HMAC-SHA256 under a key only the quality subgraph holds (QUALITY_SIGNING_KEYS) and that key's id.
ALTER TABLE "quality_check" ADD COLUMN "signatureMac" TEXT;
ALTER TABLE "quality_check" ADD COLUMN "signatureKeyId" TEXT;
