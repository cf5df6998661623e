"""Whether a sentence refers back to the pair or actor in focus ("the two nations", "their", "the Kingdom")."""
from __future__ import annotations

from typing import NamedTuple

from kg.extract.sentence import Rules, Sentence, Tokens


class References(NamedTuple):
    """How a sentence points back to earlier ones."""

    #: It points back to the pair in focus.
    refers_back: bool
    #: A reference that names what it points to ("the two nations", "the alliance"), not a pronoun.
    strong: bool
    #: Every such reference names two countries ("the two nations", "both governments").
    countries: bool
    #: "the Kingdom" -> ("Kingdom",): names the actor in focus by a word of its official name.
    actors: tuple[str, ...]


def references(sentence: Sentence) -> References:
    """The references of ``sentence`` to the pair or actor in focus."""
    kinds, lower = sentence.kinds, sentence.tokens.lower
    strong = countries = False
    if "pair_reference" in kinds:
        # "the Treaty on the Non-Proliferation ...", "the Agreement of 1972" name an instrument of their own
        followers = sentence.rules.words.named_instrument_followers
        pointing = [c for c in kinds["pair_reference"] if sentence.word_at(c.end) not in followers]
        strong = bool(pointing)
        nouns = sentence.rules.words.country_pair_nouns
        countries = strong and all(lower[c.end - 1] in nouns for c in pointing)
    refers_back = strong or "weak_pair_reference" in kinds or starts_with_reference(sentence.tokens, sentence.span, sentence.rules)
    # "the Republic of Haiti" names its actor: a cue that opens a longer name does not point back
    actors = tuple(c.text.split()[-1] for c in kinds.get("actor_reference", ())
                   if not any(a.start < c.end < a.end for a in sentence.actors))
    return References(refers_back, strong, countries, actors)


def starts_with_reference(tokens: Tokens, span: range, rules: Rules) -> bool:
    """The sentence opens with a word or phrase that refers back ("These ...", "The two ..."), not
    an anticipatory "It is"."""
    lower = tokens.lower
    first = span.start + (1 if lower[span.start].isspace() else 0)
    if lower[first] in rules.start_reference_words:
        return not (lower[first] == "it" and first + 1 < span.stop
                    and lower[first + 1] in rules.words.anticipatory_it_followers)
    phrases = rules.start_reference_phrases.get(lower[first])
    return phrases is not None and any(
        tuple(lower[first : first + len(p)]) == p for p in phrases if first + len(p) <= span.stop
    )
