-- Wrong PINs are counted apart from wrong passwords: PIN guessing must never lock password sign-in.
ALTER TABLE "app_user" ADD COLUMN "failedPinCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "pinLockedUntil" TIMESTAMPTZ(3);

-- A session started with a PIN keeps the floor roles only, through every refresh.
ALTER TABLE "refresh_token" ADD COLUMN "floorRolesOnly" BOOLEAN NOT NULL DEFAULT false;

-- Idempotency keys of raised andons are scoped to the raiser and remember the request they came with.
DROP INDEX "andon_event_idempotencyKey_key";
ALTER TABLE "andon_event" ADD COLUMN "idempotencyRequestHash" TEXT;
CREATE UNIQUE INDEX "andon_event_raisedById_idempotencyKey_key" ON "andon_event"("raisedById", "idempotencyKey");

-- A step taken with a key (acknowledge from a tablet's offline queue) is found again by its actor and key.
ALTER TABLE "andon_event_history" ADD COLUMN "idempotencyKey" TEXT;
CREATE UNIQUE INDEX "andon_event_history_actorId_idempotencyKey_key" ON "andon_event_history"("actorId", "idempotencyKey");
