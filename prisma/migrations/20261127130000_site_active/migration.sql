-- Sites can be taken out of use like lines and equipment (plant admin): history keeps pointing at them.
-- AlterTable
ALTER TABLE "site" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;
