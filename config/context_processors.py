"""Template context shared by every page: the navigation the signed-in user's roles may use."""

from __future__ import annotations

from django.http import HttpRequest

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT, user_roles

# (label, path, roles that see it). Paths rather than URL names: each app adds its pages over time.
NAV_ITEMS = (
    ("Register", "/partnerships/", {REGISTER_ADMIN, MANAGER, FACILITATOR}),
    ("Reviews due", "/partnerships/reviews/", {MANAGER, REGISTER_ADMIN}),
    ("Rounds", "/rounds/", {FACILITATOR, MANAGER}),
    ("My assessments", "/my/", {RESPONDENT}),
    ("Reports", "/reports/", {MANAGER, FACILITATOR}),
    ("Help", "/help/", None),
)


def navigation(request: HttpRequest) -> dict:
    """Return ``nav_items`` (label, path, active) for the user's roles, ``user_roles`` and ``personal_link``."""
    roles = user_roles(request.user)
    visible = [(label, path) for label, path, allowed in NAV_ITEMS if allowed is None or roles & allowed]
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
