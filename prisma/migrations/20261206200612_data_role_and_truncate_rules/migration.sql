-- Who may do what to the records. Services connect as a login in the role ms5_service, which has data
-- rights only: it owns nothing, so it cannot ALTER a table, disable a trigger or TRUNCATE. Migrations
-- run as the owner. The login itself is made outside migrations (scripts/start, the test harness:
-- prisma/src/database-roles.ts), because it carries a password.

-- Roles belong to the server, not the database: another database on it may have made this one already
-- (concurrently, in a test run), so a duplicate is not an error.
DO $$
BEGIN
  CREATE ROLE "ms5_service" NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END;
$$;

GRANT USAGE ON SCHEMA public TO "ms5_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "ms5_service";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "ms5_service";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "ms5_service";
-- Tables, sequences and functions later migrations (run by this same owner) create are covered too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "ms5_service";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "ms5_service";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO "ms5_service";

-- Append-only records: the services add rows, never change or remove one (the triggers refuse it too).
REVOKE UPDATE, DELETE ON "audit_log", "downtime_event_audit", "escalation_history" FROM "ms5_service";

-- The migration history is the owner's: services may read it, not rewrite it. (Absent when Prisma
-- replays the migrations into a shadow database.)
DO $$
BEGIN
  IF to_regclass('public."_prisma_migrations"') IS NOT NULL THEN
    REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM "ms5_service";
  END IF;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- TRUNCATE removes rows without firing row triggers: append-only and signed records refuse it too
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION "ms5_refuse_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% keeps its records: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "audit_log_refuses_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "ms5_refuse_truncate"();
CREATE TRIGGER "downtime_event_audit_refuses_truncate" BEFORE TRUNCATE ON "downtime_event_audit" FOR EACH STATEMENT EXECUTE FUNCTION "ms5_refuse_truncate"();
CREATE TRIGGER "escalation_history_refuses_truncate" BEFORE TRUNCATE ON "escalation_history" FOR EACH STATEMENT EXECUTE FUNCTION "ms5_refuse_truncate"();
CREATE TRIGGER "checklist_completion_refuses_truncate" BEFORE TRUNCATE ON "checklist_completion" FOR EACH STATEMENT EXECUTE FUNCTION "ms5_refuse_truncate"();
CREATE TRIGGER "checklist_response_refuses_truncate" BEFORE TRUNCATE ON "checklist_response" FOR EACH STATEMENT EXECUTE FUNCTION "ms5_refuse_truncate"();
