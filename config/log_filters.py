"""A logging filter that keeps respondents' personal links out of every log line."""

from __future__ import annotations

import logging
import re

PERSONAL_LINK = re.compile(r"/respond/[A-Za-z0-9_\-]{8,}")
MASKED = "/respond/<token>"


def mask_personal_links(text: str) -> str:
    """Return ``text`` with every ``/respond/<token>`` path's token replaced by ``<token>``."""
    return PERSONAL_LINK.sub(MASKED, text)


class MaskPersonalLinks(logging.Filter):
    """Masks personal links in the message and its arguments (Django's request warnings log the full path).

    The message is formatted here, once, so a token passed as an argument is masked as well as one written
    into the message itself; the record then carries the masked text and no arguments.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        masked = mask_personal_links(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatted here so the handler's formatter reuses the masked text instead of the raw traceback.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_links(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_links(record.stack_info)
        return True
