"""Ids from forms and query strings, parsed the one safe way.

``str.isdigit()`` and ``str.isdecimal()`` accept "²", "٣" and other Unicode digits, and a valid
looking 30-digit number overflows a database integer; either used to end in a 500. Every view
that reads an id from ``request.GET``/``request.POST`` goes through :func:`parse_id`.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """A positive database id (plain ASCII digits, at most 2**63 - 1), or None for anything else."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value)
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
