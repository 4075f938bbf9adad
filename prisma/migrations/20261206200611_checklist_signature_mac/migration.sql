-- Checklist signatures a database change alone cannot forge: a MAC keyed with a key only the
-- production subgraph holds, and the id of that key (keys rotate). Completions signed before this
-- migration keep only their content hash; the time this migration finished (_prisma_migrations) is
-- the line after which a completion without a MAC counts as tampered, not legacy.

-- AlterTable
ALTER TABLE "checklist_completion" ADD COLUMN     "signatureKeyId" TEXT,
ADD COLUMN     "signatureMac" TEXT;

ALTER TABLE "checklist_completion" ADD CONSTRAINT "checklist_completion_mac_names_its_key" CHECK (
  ("signatureMac" IS NULL) = ("signatureKeyId" IS NULL));
