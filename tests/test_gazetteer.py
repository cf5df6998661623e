import shutil

import pytest

from kg.errors import KgError
from kg.gazetteer import DATA_DIR, DataError, load_gazetteer


def test_every_iso_country_has_an_alpha3_id_and_label():
    import pycountry

    gaz = load_gazetteer()
    for country in pycountry.countries:
        assert gaz.entities[country.alpha_3].label


def test_labels_are_common_short_names():
    gaz = load_gazetteer()
    assert gaz.label("USA") == "United States"
    assert gaz.label("TUR") == "Turkey"
    assert gaz.label("SUN") == "Soviet Union"


def test_required_organisation_ids_exist():
    gaz = load_gazetteer()
    for org in ["UN", "NATO", "EU", "INTERPOL", "OIC", "GCC", "ASEAN", "AU", "ARAB_LEAGUE", "SCO", "CSTO",
                "OSCE", "IAEA", "IMCTC", "FIVE_EYES", "QUAD", "AUKUS", "BRICS"]:
        assert gaz.type(org) == "organization", org


def test_no_surface_form_names_two_entities():
    owners: dict[str, str] = {}
    for entity in load_gazetteer().entities.values():
        for name in entity.names:
            assert owners.setdefault(name, entity.id) == entity.id, (name, owners[name], entity.id)


def test_organisation_and_group_ids_never_shadow_a_country():
    import csv

    import pycountry

    from kg.gazetteer import DATA_DIR

    countries = {c.alpha_3 for c in pycountry.countries}
    for name in ("organizations.csv", "groups.csv"):
        with (DATA_DIR / name).open(encoding="utf-8") as fh:
            clashes = {row["id"] for row in csv.DictReader(fh)} & countries
        assert not clashes, (name, clashes)


@pytest.mark.parametrize(
    "file, old, new, line, message",
    [
        ("countries.csv", "id,label,aliases,", "id,label,alias,", 1, "unknown column 'alias'"),
        ("groups.csv", "id,label,aliases", "id,aliases", 1, "missing column 'label'"),
        ("organizations.csv", "\nNATO,", "\n,", None, "a row without an id"),
        ("organizations.csv", "\nSEATO,", "\nNATO,", None, "duplicate id 'NATO'"),
        ("non_actors.yaml", "patterns:", "pattern:", 4, "unknown key 'pattern'"),
        ("non_actors.yaml", "\n  - Indo-Pacific", "\n  - {ORTH: Indo}", None, "a pattern is a name or a list of token mappings"),
        ("non_actors.yaml", "\n  - names: names", "\n  - names: cities", None,
         "unknown kind of names 'cities' (one of names, capitals, demonyms)"),
        ("non_actors.yaml", "\n    between: 2", "\n    betwen: 2", None, "unknown key 'betwen'"),
        ("non_actors.yaml", "\n    between: 2", "\n    between: -1", None, "'between' must be 0 or more, not -1"),
        ("non_actors.yaml", "\n    followers: [round,", "\n    followers: [trade round,", None,
         "'trade round' in 'followers' is several words; the list holds single tokens"),
        ("non_actors.yaml", "\n    preceders: [Lake, River, Upper,", "\n    preceders: [Lake, River, yes,", None,
         "'yes' in 'preceders' is not a phrase: quote it"),
        ("successions.csv", "\nMoscow,RUS,", "\nMoskva,RUS,", None, "'Moskva' is not a name of 'RUS' in the gazetteer"),
        ("successions.csv", "\nMoscow,RUS,1991,SUN", "\nMoscow,RUS,1991,XSU", None, "unknown state 'XSU'"),
        ("successions.csv", "\nMoscow,RUS,1991,", "\nMoscow,RUS,late,", None, "'until' must be a year, not 'late'"),
        ("successions.csv", "name,id,until,state", "name,id,until,state,since", 1, "unknown column 'since'"),
    ],
)
def test_a_mistake_in_the_gazetteer_files_names_the_file_and_line(tmp_path, file, old, new, line, message):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    if line is None:  # the line of the edited row
        line = text[: text.index(old)].count("\n") + 2
    with pytest.raises(DataError) as error:
        load_gazetteer(data_dir)
    assert str(error.value) == f"{path}:{line}: {message}"
    assert isinstance(error.value, KgError)


def test_a_compound_rule_without_words_names_its_line(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "non_actors.yaml"
    path.write_text("patterns: []\ncompounds:\n  - names: capitals\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"^{path}:3: a compound rule needs 'followers' or 'preceders'$"):
        load_gazetteer(data_dir)


def test_compound_rules_know_capitals_and_demonyms_apart_from_names():
    poland = load_gazetteer().entities["POL"]
    assert "Warsaw" in poland.names_of_kind("capitals") and "Warsaw" not in poland.names_of_kind("names")
    assert "Polish" in poland.names_of_kind("demonyms") and "Poland" in poland.names_of_kind("names")


def test_a_compound_never_hides_an_actor_of_the_same_name():
    followed = [p for p in load_gazetteer().compound_patterns() if isinstance(p[0]["ORTH"], dict) and "LOWER" in p[-1]]
    warsaw = [p[-1]["LOWER"]["IN"] for p in followed if "Warsaw" in p[0]["ORTH"]["IN"]]
    others = [p[-1]["LOWER"]["IN"] for p in followed if "Lisbon" in p[0]["ORTH"]["IN"]]
    assert warsaw and all("pact" not in words and "treaty" in words for words in warsaw)
    assert others and all("pact" in words for words in others)


def test_a_name_reads_as_the_state_it_meant_in_the_documents_year():
    gaz = load_gazetteer()
    assert gaz.names_in(1975)[("Moscow", "RUS")] == "SUN"
    assert gaz.names_in(1991)[("Moscow", "RUS")] == "SUN"
    assert ("Moscow", "RUS") not in gaz.names_in(1992)
    assert gaz.names_in(1999) == {("Belgrade", "SRB"): "YUG"}
    assert gaz.names_in(2020) == {}
    # with no year, every name's former state, which a document reads only where it names that state
    assert gaz.names_in(None)[("Moscow", "RUS")] == "SUN" and gaz.names_in(None)[("Prague", "CZE")] == "CSK"


def test_a_succession_added_to_a_data_folder_is_read(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    with (data_dir / "successions.csv").open("a", encoding="utf-8") as fh:
        fh.write("East Berlin,DDR,1990,DEU\n")  # a user's own reading; any name and state of the gazetteer
    assert load_gazetteer(data_dir).names_in(1989)[("East Berlin", "DDR")] == "DEU"
    assert ("East Berlin", "DDR") not in load_gazetteer().names_in(1989)
