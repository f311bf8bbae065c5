"""Before the risk register, a partnership's risk rating was typed by hand. Now it is derived from its highest
open risk, so each partnership's old rating is carried over as one risk that gives the same rating (low 2x2,
medium 3x3, high 4x4), for the register administrator to replace with the real assessment. The roles get
their permissions on the new models."""

from datetime import date

from django.db import migrations

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, grant

RISK_MODELS = ("risk", "riskaction")
PERMISSIONS = {
    REGISTER_ADMIN: [f"partnerships.{action}_{model}" for model in RISK_MODELS for action in ("view", "add", "change")],
    MANAGER: [f"partnerships.view_{model}" for model in RISK_MODELS],
    # Facilitators confirm at a round's close that the partnership's risks were reviewed, so they read them.
    FACILITATOR: [f"partnerships.view_{model}" for model in RISK_MODELS],
}
CARRIED_OVER = {"low": 2, "medium": 3, "high": 4}


def carry_over_ratings(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Risk = apps.get_model("partnerships", "Risk")
    today = date.today()  # noqa: DTZ011 (a migration has no request; the server's date is close enough)
    for partnership in Partnership.objects.all().iterator():
        level = CARRIED_OVER.get(partnership.risk)
        if level is None or partnership.risks.exists():
            continue
        Risk.objects.create(
            partnership=partnership,
            title="Overall risk rating recorded before the risk register",
            description=(
                f"The partnership's risk rating was recorded by hand as {partnership.risk} before the risk "
                "register existed. Replace this entry with the partnership's real risks and close it."
            ),
            category="strategic",
            likelihood=level,
            impact=level,
            owner=partnership.lead_officer,
            review_date=today,
        )


def grant_risk_permissions(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0008_risk_register")]
    operations = [
        migrations.RunPython(grant_risk_permissions, migrations.RunPython.noop),
        migrations.RunPython(carry_over_ratings, migrations.RunPython.noop),
    ]
