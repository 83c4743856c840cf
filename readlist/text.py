"""Cleaning text that came from files so it is always shown as data."""

from __future__ import annotations

import re

# ANSI/VT escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \),
# other two-character escapes; and their 8-bit C1 forms. String bodies stop at the
# next ESC or C1 control, so an unterminated one costs one short scan, not O(n^2).
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]            # CSI
    | (?:\x1b\]|\x9d)[^\x07\x1b\x90-\x9f]*(?:\x07|\x1b\\|\x9c)  # OSC, terminated
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x90-\x9f]*(?:\x1b\\|\x9c)  # DCS/SOS/PM/APC
    | \x1b[@-Z\\-_]                              # other Fe escapes
    | \x1b.?                                     # a stray ESC
    """,
    re.VERBOSE | re.DOTALL,
)

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode
# bidirectional overrides/isolates that can make text display out of order.
_CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_CONTROLS = re.compile(f"[{_CONTROL_CHARS}]")
#: What :func:`escape_controls` shows as escapes: the controls, tabs and newlines.
_ESCAPED = re.compile(f"[\t\n{_CONTROL_CHARS}]")


def strip_controls(text: str, *, keep_newlines: bool = True) -> str:
    """Remove escape sequences, control and bidi characters from ``text``.

    Tabs become spaces. Newlines are kept unless ``keep_newlines`` is false,
    in which case they become spaces (for one-line fields such as titles).
    """
    # Printable text has no control, bidi or format character, tab or newline:
    # nothing below would change it, and this check is cheaper than the regex.
    if text.isprintable():
        return text
    if not _CONTROLS.search(text) and "\t" not in text and (keep_newlines or "\n" not in text):
        return text  # the usual case: nothing to clean
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """``text`` cleaned and collapsed to a single line with single spaces."""
    # In printable text the plain space is the only whitespace, so text with no
    # doubled, leading or trailing space is already one clean line.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(strip_controls(text, keep_newlines=False).split())


def escape_controls(text: str) -> str:
    r"""``text`` with each control or bidi character shown as an escape (``\x1b``).

    For names the user must be able to tell apart or type back (file names, tags,
    keys, error messages): unlike :func:`strip_controls` nothing is dropped, and
    nothing reaches the terminal as a control either. Newlines and tabs are escaped
    too, so one line stays one line.
    """
    if text.isprintable():
        return text
    return _ESCAPED.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_escape_controls(json_text: str) -> str:
    r"""JSON text with the controls JSON encoders leave raw (C1, bidi) as ``\uXXXX``.

    Only string contents can hold such characters, and ``\uXXXX`` is how JSON
    spells any character, so the value is unchanged.
    """
    return _CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", json_text)
