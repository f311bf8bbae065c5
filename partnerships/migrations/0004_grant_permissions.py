"""Give each role its permissions on the register (config.roles.grant). Object-level limits are in selectors."""
from django.db import migrations

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT, grant

REGISTER_MODELS = (
    "organisation",
    "partnership",
    "membership",
    "gatewayreview",
    "gatewayanswer",
    "outsidebodycheck",
    "exitrecord",
)


PERMISSIONS = {
    REGISTER_ADMIN: [
        f"partnerships.{action}_{model}" for model in REGISTER_MODELS for action in ("view", "add", "change")
    ],
    MANAGER: [f"partnerships.view_{model}" for model in REGISTER_MODELS] + ["partnerships.approve_gatewayreview"],
    FACILITATOR: ["partnerships.view_partnership", "partnerships.view_organisation"],
    RESPONDENT: ["partnerships.view_partnership", "partnerships.view_organisation"],
}


def grant_register_permissions(apps, schema_editor):
    grant(apps, schema_editor, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_gateway_outside_body_exit")]
    operations = [migrations.RunPython(grant_register_permissions, migrations.RunPython.noop)]
