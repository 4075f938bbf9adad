-- A signed release check is a record that must never change: not its outcome, signer, time, hash or
-- MAC, nor the measurements it signed. The application refuses to correct a signed check; these
-- triggers make the database refuse too, so an UPDATE or DELETE from any client fails instead of
-- leaving a signature that verifyReleaseCheckSignature would later report TAMPERED. A correction to a
-- released lot is a new check (with its own signature), never an edit of the signed one.
CREATE FUNCTION "quality_check_refuse_change_once_signed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."signedAt" IS NOT NULL THEN
    RAISE EXCEPTION 'quality check % is signed: it is never changed or deleted (record a new check instead)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "signed_quality_check_is_never_changed" BEFORE UPDATE OR DELETE ON "quality_check"
  FOR EACH ROW EXECUTE FUNCTION "quality_check_refuse_change_once_signed"();

-- The measurements a signature covers: none added, changed (superseded included) or deleted once
-- their check is signed. Runs before measurement_is_never_rewritten, which still guards unsigned checks.
CREATE FUNCTION "measurement_refuse_change_of_signed_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "checkOf" UUID := CASE WHEN TG_OP = 'INSERT' THEN NEW."checkId" ELSE OLD."checkId" END;
BEGIN
  IF EXISTS (SELECT 1 FROM "quality_check" WHERE id = "checkOf" AND "signedAt" IS NOT NULL) THEN
    RAISE EXCEPTION 'the measurements of signed quality check % are never changed, added or deleted', "checkOf"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "a_signed_check_measurement_is_never_changed" BEFORE INSERT OR UPDATE OR DELETE ON "measurement"
  FOR EACH ROW EXECUTE FUNCTION "measurement_refuse_change_of_signed_check"();
