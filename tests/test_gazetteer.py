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
        ("non_actors.yaml", "patterns:", "pattern:", 4, "unknown key 'pattern'"),
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
