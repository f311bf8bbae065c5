"""Unlink the responses already submitted in anonymous rounds, and fill the invitations' mailboxes.

Every aggregate and profile number stays the same (see assessments/tests/test_unlinking.py). Reopenings of
responses in anonymous rounds go with the linked rows: they named the person whose response was reopened.
"""

from django.conf import settings
from django.db import migrations

from assessments.mailboxes import mailbox_key
from assessments.unlinking import unlink_submitted


def fill_mailboxes(apps, schema_editor):
    invitation = apps.get_model("assessments", "Invitation")
    seen: set[tuple[int, str]] = set()
    for row in invitation.objects.order_by("round_id", "pk").only("pk", "round_id", "email"):
        key = mailbox_key(row.email)
        if (row.round_id, key) in seen:
            # An older round already holds two addresses of one mailbox: keep both rows (their answers
            # count), told apart by id so the new rule can hold from now on.
            key = f"{key}#{row.pk}"
        seen.add((row.round_id, key))
        invitation.objects.filter(pk=row.pk).update(mailbox=key)


def unlink(apps, schema_editor):
    unlink_submitted(apps, min_group_size=settings.PHC_MIN_GROUP_SIZE)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0007_anonymous_responses_unlinked")]
    operations = [
        migrations.RunPython(fill_mailboxes, migrations.RunPython.noop),
        migrations.RunPython(unlink, migrations.RunPython.noop),
    ]
