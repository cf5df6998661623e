"""Regenerate kg/data/fuzzy_stoplist.txt: real English words that fuzzy country matching must not take.

The fuzzy linker accepts a capitalised word within one edit of a country's name
("Pakisatn" -> Pakistan). Some real words are that close to a country's name
("Granada" ~ "Grenada"); this script lists every capitalised word of
spaCy's English lexeme table (spacy-lookups-data) that the linker would match,
so the linker leaves them alone. Words already in the file stay: people's names
the table lacks ("Kamala" ~ Kampala) are added to it by hand. Run after changing
the gazetteer:

    .venv/bin/python scripts/build_fuzzy_stoplist.py
"""
from __future__ import annotations

import gzip
import json
from importlib import resources

from kg.gazetteer import DATA_DIR, load_gazetteer
from kg.nlp import FuzzyCountryLinker

MIN_LOG_PROB = -15.3  # rarer "words" in the web-derived table are often misspellings themselves


def main() -> None:
    path = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        probs = json.load(fh)
    linker = FuzzyCountryLinker(load_gazetteer().country_names(), [])
    # Capitalised words, and common lower-case words capitalised at the start of a sentence ("Benign").
    candidates = {
        w if w[:1].isupper() else w.capitalize()
        for w, p in probs.items()
        if p > MIN_LOG_PROB and w.isalpha() and w[1:].islower()
    }
    target = DATA_DIR / "fuzzy_stoplist.txt"
    kept = target.read_text(encoding="utf-8").split() if target.exists() else []
    words = sorted({w for w in candidates if linker.link(w)} | set(kept))
    target.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{target}: {len(words)} words")


if __name__ == "__main__":
    main()
