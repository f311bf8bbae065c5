from django.db import migrations

from config.roles import grant

PERMISSIONS = {
    "Facilitator": [
        "assessments.add_round",
        "assessments.change_round",
        "assessments.view_round",
        "assessments.add_invitation",
        "assessments.change_invitation",
        "assessments.view_invitation",
        "assessments.view_response",
        "assessments.add_reopening",
        "assessments.view_reopening",
        "assessments.add_actionitem",
        "assessments.change_actionitem",
        "assessments.view_actionitem",
        "assessments.delete_actionitem",
    ],
    "Manager": [
        "assessments.view_round",
        "assessments.view_response",
        "assessments.view_actionitem",
    ],
}


def grant_permissions(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_load_partnership_assessment_tool"),
        ("partnerships", "0001_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
