"""An invitation's organisation is now one of its partnership's partner organisations (or "Other"). Existing
free-text organisations are matched to the partnership's organisations: the same name in any case or spacing, or
a name that is part of exactly one partner's name ("Police" for "Demoshire Police") or contains it. What matches
no partner is left as typed, so nothing is lost; the facilitator sees it on the invitations page."""

from django.db import migrations


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _match(typed: str, partners: list[str]) -> str | None:
    wanted = _key(typed)
    if not wanted:
        return None
    if wanted == "other":
        return "Other"
    exact = [p for p in partners if _key(p) == wanted]
    if exact:
        return exact[0]
    loose = [p for p in partners if wanted in _key(p) or _key(p) in wanted]
    return loose[0] if len(loose) == 1 else None


def match_organisations(apps, schema_editor):
    Invitation = apps.get_model("assessments", "Invitation")
    Membership = apps.get_model("partnerships", "Membership")
    partners: dict[int, list[str]] = {}
    for partnership_id, name in Membership.objects.values_list("partnership_id", "organisation__name"):
        partners.setdefault(partnership_id, []).append(name)
    for invitation in Invitation.objects.select_related("round").only("organisation", "round__partnership_id"):
        matched = _match(invitation.organisation, partners.get(invitation.round.partnership_id, []))
        if matched is not None and matched != invitation.organisation:
            invitation.organisation = matched
            invitation.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_round_risks_reviewed"),
        ("partnerships", "0010_exit_risks_in_the_register"),
    ]
    operations = [migrations.RunPython(match_organisations, migrations.RunPython.noop)]
