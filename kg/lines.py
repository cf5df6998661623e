"""Which line breaks of a text end a sentence.

Text copied from PDFs is hard-wrapped: its lines have about the same length,
and a line ends wherever the next word did not fit, in the middle of a
sentence. In such a text a line break inside a paragraph is not a sentence
boundary; a blank line, a heading, a list item and a page number are. In any
other text (a paragraph per line, a list of headlines) every line break is one,
unless the next line starts in lower case. The thresholds are data:
``kg/data/line_breaks.yaml``.

Everything here reads the text and returns character offsets; nothing rewrites
the text, so offsets keep pointing into the original.

>>> text = "Pakistan and Turkey held joint naval\\nExercises in the Arabian Sea.\\n"
>>> text_line_starts(text, load_line_rules(), wrapped=True)
[]
>>> text_line_starts("Summary\\nMinisters met.", load_line_rules(), wrapped=False)
[8]
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from kg.errors import KgError
from kg.gazetteer import DATA_DIR

#: Characters that end a sentence at the end of a line.
_SENTENCE_END = frozenset(".!?…。")
#: Closing quotes and brackets that may follow them.
_CLOSERS = "\"'”’)]»"


class LineRulesError(KgError):
    """``line_breaks.yaml`` has an unknown or missing key or a value of the wrong kind."""


@dataclass(frozen=True)
class LineRules:
    """The thresholds of :func:`text_line_starts`, read from ``line_breaks.yaml``."""

    wrap_width_quantile: float
    max_wrap_width: int
    min_lines: int
    min_full_share: float
    full_line: float
    page_number: re.Pattern
    list_item: re.Pattern


_NUMBERS = {"wrap_width_quantile": float, "max_wrap_width": int, "min_lines": int, "min_full_share": float,
            "full_line": float}
_PATTERNS = {"page_number": re.IGNORECASE, "list_item": 0}


@functools.lru_cache(maxsize=8)
def load_line_rules(data_dir: Path = DATA_DIR) -> LineRules:
    """The line rules in ``data_dir/line_breaks.yaml``; an unknown or missing key is a :class:`LineRulesError`.

    >>> load_line_rules().max_wrap_width
    120
    """
    path = Path(data_dir) / "line_breaks.yaml"
    node = yaml.compose(path.read_text(encoding="utf-8"))
    if not isinstance(node, yaml.MappingNode):
        raise LineRulesError(f"{path}:1: expected a mapping of settings")
    values: dict[str, object] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        name = key.value
        if name not in _NUMBERS and name not in _PATTERNS:
            raise LineRulesError(f"{path}:{line}: unknown key {name!r}")
        try:
            if name in _NUMBERS:
                values[name] = _NUMBERS[name](value.value)
            else:
                values[name] = re.compile(value.value, _PATTERNS[name])
        except (TypeError, ValueError, re.error) as err:
            raise LineRulesError(f"{path}:{line}: {name}: {err}") from err
    missing = [name for name in (*_NUMBERS, *_PATTERNS) if name not in values]
    if missing:
        raise LineRulesError(f"{path}:1: missing key {missing[0]!r}")
    return LineRules(**values)


class Line(NamedTuple):
    """A line of a text with a word on it, and what it looks like (:func:`read_lines`)."""

    #: Its offset in the text.
    start: int
    #: Its length without the white space around it.
    length: int
    #: The length of its first word.
    first_word: int
    #: Whether a blank line comes before it (the first line's aside).
    after_blank: bool
    #: Whether it starts with a lower-case letter.
    lower: bool
    #: Whether it ends with sentence-final punctuation (:func:`ends_sentence`).
    ends_sentence: bool
    #: Whether it is only a page number (``rules.page_number``).
    page_number: bool
    #: Whether it starts a list item (``rules.list_item``).
    list_item: bool


def read_lines(text: str, rules: LineRules) -> list[Line]:
    """The lines of ``text`` that have a word on them (lines end at ``\\n``).

    >>> [(line.start, line.length, line.after_blank) for line in read_lines("ab \\n\\n  cd.", load_line_rules())]
    [(0, 2, False), (5, 3, True)]
    """
    lines = []
    start, after_blank = 0, False
    for line in text.split("\n"):
        words = line.split(maxsplit=1)
        if not words:
            after_blank = bool(lines)
        else:
            stripped = line.strip()
            lines.append(Line(start, len(stripped), len(words[0]), after_blank, stripped[0].islower(),
                              ends_sentence(stripped), bool(rules.page_number.match(line)),
                              bool(rules.list_item.match(line))))
            after_blank = False
        start += len(line) + 1
    return lines


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends with sentence-final punctuation, closing quotes and brackets aside.

    >>> ends_sentence('as he said."'), ends_sentence("the two")
    (True, False)
    """
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def wrap_width(lines: list[Line], rules: LineRules) -> int:
    """The width ``lines`` were wrapped at: a high quantile of their lengths.

    >>> wrap_width(read_lines("\\n".join("x" * n for n in (40, 50, 55, 60, 20)), load_line_rules()), load_line_rules())
    60
    """
    if not lines:
        return 0
    lengths = sorted(line.length for line in lines)
    return lengths[min(len(lengths) - 1, int(rules.wrap_width_quantile * len(lengths)))]


def is_full(line: Line, next_line: Line, width: int, rules: LineRules) -> bool:
    """Whether ``line`` ended because the first word of ``next_line`` did not fit on it.

    >>> rules = load_line_rules()
    >>> full, heading, after = read_lines("x" * 50 + "\\nSummary\\nMinisters met", rules)
    >>> is_full(full, heading, 60, rules), is_full(heading, after, 60, rules)
    (True, False)
    """
    return line.length + 1 + next_line.first_word >= rules.full_line * width


def is_hard_wrapped(lines: list[Line], rules: LineRules) -> bool:
    """Whether ``lines`` are hard-wrapped: narrow, and many of them full in mid-sentence."""
    width = wrap_width(lines, rules)
    if len(lines) < rules.min_lines or not 0 < width <= rules.max_wrap_width:
        return False
    full = sum(not line.ends_sentence and is_full(line, next_line, width, rules)
               for line, next_line in zip(lines, lines[1:]))
    return full >= rules.min_full_share * (len(lines) - 1)


def continues(line: Line, next_line: Line, width: int | None, rules: LineRules) -> bool:
    """Whether the sentence on ``line`` goes on at ``next_line``, the next line with a word on it.

    Never across a page number or into a list item. After a blank line, only
    when ``line`` has no final punctuation and the next line starts in lower
    case (a page break). Otherwise it does when the next line starts in lower
    case, and, in a text hard-wrapped at ``width`` characters (None: not
    hard-wrapped), when ``line`` is full and has no final punctuation. A short
    line without final punctuation before a capitalised one is a heading or the
    last line of a block.

    >>> rules = load_line_rules()
    >>> forum, mankind, ladies, pandemic = read_lines(
    ...     "the highest forum\\nof mankind.\\nLadies and gentlemen,\\nThe pandemic", rules)
    >>> continues(forum, mankind, None, rules), continues(ladies, pandemic, None, rules)
    (True, False)
    """
    if line.page_number or next_line.page_number or next_line.list_item:
        return False
    if next_line.after_blank:
        return next_line.lower and not line.ends_sentence
    if next_line.lower:
        return True
    return width is not None and not line.ends_sentence and is_full(line, next_line, width, rules)


def text_line_starts(text: str, rules: LineRules, wrapped: bool | None = None) -> list[int]:
    """Offsets in ``text`` of the lines a sentence does not :func:`continue <continues>` to.

    ``wrapped``: whether the text is hard-wrapped (by default
    :func:`is_hard_wrapped`). Only lines with a word on them count, the first aside.

    >>> rules = load_line_rules()
    >>> text = "Summary\\nMinisters of both countries met in Doha and\\nagreed to hold joint drills.\\n\\n12\\nThey"
    >>> [text[i:i + 9] for i in text_line_starts(text, rules, wrapped=True)]
    ['Ministers', '12\\nThey', 'They']
    """
    lines = read_lines(text, rules)
    if wrapped is None:
        wrapped = is_hard_wrapped(lines, rules)
    width = wrap_width(lines, rules) if wrapped else None
    return [line.start for previous, line in zip(lines, lines[1:]) if not continues(previous, line, width, rules)]
