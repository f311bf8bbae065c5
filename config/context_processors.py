"""Template context shared by every page: the navigation the signed-in user's roles may use."""

from __future__ import annotations

from django.http import HttpRequest

from config.roles import RESPONDENT, user_roles

# (label, path, the rule of the page). Paths rather than URL names: each app adds its pages over time.
NAV_ITEMS = (
    ("Register", "/partnerships/", "partnerships.see_register"),
    ("Reviews due", "/partnerships/reviews/", "partnerships.see_reviews_due"),
    ("Rounds", "/rounds/", "assessments.see_rounds"),
    ("My assessments", "/my/", RESPONDENT),
    ("Reports", "/reports/", "reports.see_reports_page"),
    ("Help", "/help/", None),
)


def navigation(request: HttpRequest) -> dict:
    """Return ``nav_items`` (label, path, active) for the user's roles, ``user_roles`` and ``personal_link``."""
    roles = user_roles(request.user)
    user = request.user

    def shown(rule: str | None) -> bool:
        # "My assessments" is any signed-in person's own page, in the menu of those invited as respondents.
        return rule is None or (rule in roles if rule == RESPONDENT else user.has_perm(rule))

    visible = [(label, path) for label, path, rule in NAV_ITEMS if shown(rule)]
    # The longest matching path is the current section (/partnerships/reviews/ is not "Register").
    current = max((path for _, path in visible if request.path.startswith(path)), key=len, default=None)
    items = [{"label": label, "path": path, "active": path == current} for label, path in visible]
    # People answering by personal link need no account: a "Sign in" link would only lead them off the page.
    personal_link = request.path.startswith("/respond/")
    return {
        "nav_items": items if request.user.is_authenticated else [],
        "user_roles": roles,
        "personal_link": personal_link,
    }
