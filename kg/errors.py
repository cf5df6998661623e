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
