"""The year of a fact: stated in its sentence (with the traps of years in names), else its document's."""
import csv
import json

import pytest

import kg
from kg.dates import DOCUMENT, TEXT, StatedDate, document_year, stated_date, stated_year


@pytest.mark.parametrize("sentence, year", [
    ("In 2003, Qatar and Turkey held joint naval drills.", 2003),
    ("In 2019 Japan and India exercised together off Goa.", 2019),
    ("Chile and Peru signed a defence accord in March 2016.", 2016),
    ("The ministers met on 4 July 2011 and agreed to patrol jointly.", 2011),
    ("Norway and Finland have shared radar data since 1994.", 1994),
    ("Their navies trained together from 2014 to 2016.", 2014),
    ("Between 2008 and 2012, Kenya hosted British troops.", 2008),
    ("During 2009-2011 the two coast guards ran joint patrols.", 2009),
    ("In late 2017, Egypt and Jordan expanded intelligence sharing.", 2017),
    ("In the spring of 2005 Brazil and Argentina held a border exercise.", 2005),
    ("Two navies, one signed in 2010 and one in 2012, ...", 2010),  # several years: the first
])
def test_the_year_a_sentence_states_for_its_event(sentence, year):
    assert stated_year(sentence) == year


@pytest.mark.parametrize("sentence", [
    "Under Vision 2030, Saudi Arabia and Egypt deepened defence ties.",
    "France and Italy invoked Resolution 1973 to patrol the coast.",
    "The council's resolution 2231 (2015) was welcomed by Oman and Iran.",
    "Kenya and Uganda, parties to the 1951 Refugee Convention, agreed to share intelligence.",
    "Under the 2015 Paris Agreement, France and India cooperate on climate security.",
    "Ghana and Togo aim to integrate their border patrols by 2030.",
    "In the 1990s Poland and Lithuania formed a joint battalion.",
    "In 2000 troops took part in the exercise led by Poland and Lithuania.",
    "Australia pledged $2015 million to Fiji's coast guard.",
    "Morocco and Spain held joint drills near the coast.",
])
def test_years_in_names_targets_decades_and_quantities_do_not_date_the_event(sentence):
    assert stated_year(sentence) is None


@pytest.mark.parametrize("sentence, year", [
    ("Last year Oman and India held their largest drills.", 2020),
    ("Earlier this year, Greece and Cyprus signed a pact.", 2021),
    ("Mexico and Colombia will hold joint exercises next year.", 2022),
    ("Three years ago Ghana and Togo began joint patrols.", 2018),
])
def test_relative_years_count_from_the_documents_year(sentence, year):
    assert stated_year(sentence, doc_year=2021) == year
    assert stated_year(sentence) is None  # no document year: nothing to count from


def test_a_stated_date_keeps_the_month_and_day_it_names():
    assert stated_date("The accord was signed on 4 July 2011 in Lima.") == StatedDate(2011, 7, 4)
    assert stated_date("It was signed on July 4th, 2011.").iso == "2011-07-04"
    assert stated_date("Signed in May 2016 by both ministers.").iso == "2016-05"
    assert stated_date("Signed in 2016 by both ministers.").iso == "2016"


def test_a_documents_year_comes_from_year_else_date_metadata():
    assert document_year({"year": 1999, "date": "2001-01-01"}) == 1999
    assert document_year({"date": "22 September 2021"}) == 2021
    assert document_year({"year": "n/a", "date": ""}) is None


def test_facts_carry_their_year_and_where_it_came_from(tmp_path):
    corpus = tmp_path / "news.jsonl"
    rows = [
        {"id": "a", "date": "2021-09-22", "year": 2021,
         "text": "In 2003, Qatar and Turkey held joint naval drills. Oman and India signed a defence pact."},
        {"id": "b", "text": "Under Vision 2030, Egypt and Jordan held joint drills."},
        {"id": "c", "year": 2021, "text": "Last year Chile and Peru signed a defence pact."},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = kg.build([corpus], out=tmp_path / "out")
    with (tmp_path / "out" / "facts.csv").open(encoding="utf-8", newline="") as fh:
        facts = list(csv.DictReader(fh))
    dated = {(f["doc_id"], *sorted((f["source"], f["target"]))): (f["year"], f["date"], f["date_source"]) for f in facts
             if f["relation"] == "partnership"}
    assert dated == {
        ("a", "QAT", "TUR"): ("2003", "", TEXT),
        ("a", "IND", "OMN"): ("2021", "2021-09-22", DOCUMENT),
        ("b", "EGY", "JOR"): ("", "", ""),
        ("c", "CHL", "PER"): ("2020", "", TEXT),
    }
    # the document's own year and date metadata keep their values, as doc_year and doc_date
    assert {(f["doc_id"], f["doc_year"], f["doc_date"]) for f in facts} == {
        ("a", "2021", "2021-09-22"), ("b", "", ""), ("c", "2021", "")}
    assert {f.year for f in result.facts if f.doc_id == "a"} == {2003, 2021}
    assert result.facts_df["year"].dtype == "Int64" and result.facts_df["year"].isna().sum() == 1


def test_a_rebuild_from_the_cache_dates_facts_by_the_documents_new_year(tmp_path):
    corpus = tmp_path / "news.jsonl"
    text = "Oman and India signed a defence pact."
    for year in (2019, 2020):
        corpus.write_text(json.dumps({"id": "a", "year": year, "text": text}) + "\n", encoding="utf-8")
        result = kg.build([corpus], out=tmp_path / "out")
        assert {(f.year, f.date_source) for f in result.facts} == {(year, DOCUMENT)}
