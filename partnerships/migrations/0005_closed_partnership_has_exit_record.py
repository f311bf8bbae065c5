"""A closed partnership always has a completed exit record (and, if statutory or contractual, advice taken).

The rule spans two tables, which a CHECK constraint cannot see, so it is a deferred constraint trigger: it runs at
COMMIT, after the service has written both the exit record and the new status in one transaction, and it
re-reads the rows then, so the order of the two writes does not matter. Deleting or un-completing the exit
record of a closed partnership is refused in the same way. The error is a check_violation (SQLSTATE 23514),
which Django raises as IntegrityError.
"""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION partnerships_closed_has_exit_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pid bigint;
BEGIN
    IF TG_TABLE_NAME = 'partnerships_partnership' THEN
        pid := NEW.id;
    ELSE
        pid := OLD.partnership_id;
    END IF;
    IF EXISTS (
        SELECT 1 FROM partnerships_partnership p
        WHERE p.id = pid AND p.status = 'closed' AND NOT EXISTS (
            SELECT 1 FROM partnerships_exitrecord e
            WHERE e.partnership_id = p.id
              AND e.completed_at IS NOT NULL
              AND (p.statutory_status NOT IN ('statutory', 'contractual')
                   OR (e.legal_advice_taken AND e.financial_advice_taken))
        )
    ) THEN
        RAISE EXCEPTION 'partnership % is closed without a completed exit record', pid
            USING ERRCODE = 'check_violation', CONSTRAINT = 'partnership_closed_has_exit_record';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER partnership_closed_has_exit_record
    AFTER INSERT OR UPDATE ON partnerships_partnership
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'closed')
    EXECUTE FUNCTION partnerships_closed_has_exit_record();

CREATE CONSTRAINT TRIGGER exitrecord_keeps_closed_partnership_valid
    AFTER UPDATE OR DELETE ON partnerships_exitrecord
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    EXECUTE FUNCTION partnerships_closed_has_exit_record();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS exitrecord_keeps_closed_partnership_valid ON partnerships_exitrecord;
DROP TRIGGER IF EXISTS partnership_closed_has_exit_record ON partnerships_partnership;
DROP FUNCTION IF EXISTS partnerships_closed_has_exit_record();
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0004_grant_permissions")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
