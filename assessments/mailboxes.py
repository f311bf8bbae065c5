"""Which mailbox an email address delivers to, so that one person cannot be invited twice to a round."""

from __future__ import annotations

# Providers that deliver every spelling of one address to the same mailbox: the domains are one, and dots
# in the local part are ignored (Gmail's rule).
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
DOTS_IGNORED = frozenset({"gmail.com"})


def mailbox_key(email: str) -> str:
    """Return ``email`` folded to the mailbox it delivers to: case folded, ``+tag`` dropped, dots dropped
    for Gmail-style providers, ``googlemail.com`` read as ``gmail.com``.

    ``Ann.Lee+a@GoogleMail.com`` and ``annlee@gmail.com`` give the same key. The ``+tag`` is dropped for
    every domain: most mail services (Microsoft 365, Gmail, Fastmail, Proton) deliver it to the same person.
    """
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return email.strip().casefold()
    local, domain = local.casefold(), domain.casefold().rstrip(".")
    domain = DOMAIN_ALIASES.get(domain, domain)
    untagged = local.split("+", 1)[0]
    local = untagged or local
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"
