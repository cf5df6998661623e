"""Errors kg reports to its user as one line, ``Error: <message>``, rather than as a bug.

Every stage raises a subclass of :class:`KgError` for a problem with what the
user gave it (a missing path, a duplicate id, an output folder it cannot
write); anything else reaching the CLI is a bug and shown as one.
"""
from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or output folder; the message names the file at fault."""


class StrictError(KgError):
    """A warning raised as an error because the build runs with ``strict=True`` (``--strict``)."""


class OptionError(KgError, ValueError):
    """An option has a value kg cannot use: an unknown format or engine, fewer than one worker."""


#: Characters that change a terminal or split a line besides the C0/C1 controls: line and
#: paragraph separators and the bidirectional overrides that make a name read backwards.
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` on one line with no control characters, for a message on a terminal or in a log.

    Control characters are escaped as Python writes them (``\\n``, ``\\x1b``),
    and so are line separators and bidirectional overrides; a byte of a file
    name that is not UTF-8 (a lone surrogate from ``os.fsdecode``) is shown as
    the byte it was (``\\xff``). Everything else, any script, is kept.

    >>> print(printable("caf\\udce9\\x1b]0;title\\x07\\nError: fake.txt"))
    caf\\xe9\\x1b]0;title\\x07\\nError: fake.txt
    >>> printable("Türkiye اليمن.txt")
    'Türkiye اليمن.txt'
    """
    if text.isprintable():
        return text
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF or char in _INVISIBLE:
        return f"\\u{code:04x}"
    return char
