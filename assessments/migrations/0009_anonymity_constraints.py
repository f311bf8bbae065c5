"""One mailbox per round; a round's anonymity fixed once it opens; an unlinked response never linked again.

The two triggers hold even for a write that goes round the services (the admin, a shell, a script).
"""

from django.db import migrations, models

ANONYMITY_FIXED = """
CREATE FUNCTION assessments_round_anonymity_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.anonymous IS DISTINCT FROM OLD.anonymous AND OLD.state <> 'draft' THEN
        RAISE EXCEPTION 'Round %: named or anonymous is fixed once the round has opened.', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_round_anonymity_fixed
    BEFORE UPDATE OF anonymous ON assessments_round
    FOR EACH ROW EXECUTE FUNCTION assessments_round_anonymity_fixed();

CREATE FUNCTION assessments_response_stays_unlinked() RETURNS trigger AS $$
BEGIN
    IF OLD.invitation_id IS NULL AND NEW.invitation_id IS NOT NULL THEN
        RAISE EXCEPTION 'An unlinked anonymous response cannot be linked to an invitation again.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessments_response_stays_unlinked
    BEFORE UPDATE OF invitation_id ON assessments_response
    FOR EACH ROW EXECUTE FUNCTION assessments_response_stays_unlinked();
"""

DROP = """
DROP TRIGGER assessments_response_stays_unlinked ON assessments_response;
DROP FUNCTION assessments_response_stays_unlinked();
DROP TRIGGER assessments_round_anonymity_fixed ON assessments_round;
DROP FUNCTION assessments_round_anonymity_fixed();
"""


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_unlink_submitted_anonymous_responses")]
    operations = [
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("round", "mailbox"),
                name="invitation_unique_mailbox_in_round",
                violation_error_message="This mailbox is already invited to this round.",
            ),
        ),
        migrations.RunSQL(ANONYMITY_FIXED, DROP),
    ]
