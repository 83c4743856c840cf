"""Months and dates as bibliographies write them: names, BibTeX month macros, ISO date parts."""

from __future__ import annotations

#: The months by name, January first.
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
#: The month macros every BibTeX style defines (``month = jun``), January first.
MONTH_MACROS = tuple(name[:3] for name in MONTH_NAMES)


def month_number(name: str) -> int | None:
    """1–12 for a month name or abbreviation (``Sep``, ``Sept``, ``september``), else ``None``."""
    lowered = name.lower().rstrip(".")
    if len(lowered) < 3:
        return None
    for number, full in enumerate(MONTH_NAMES, start=1):
        if full.startswith(lowered):
            return number
    return None


def date_parts(published: str | None) -> tuple[int, ...]:
    """``(year,)``, ``(year, month)`` or ``(year, month, day)`` from an ISO date, as known."""
    if not published:
        return ()
    parts: list[int] = []
    for piece, low, high in zip(published.split("-")[:3], (1, 1, 1), (9999, 12, 31), strict=False):
        if not piece.isdigit() or not low <= int(piece) <= high:
            break
        parts.append(int(piece))
    return tuple(parts)
