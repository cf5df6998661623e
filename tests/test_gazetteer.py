from kg.gazetteer import load_gazetteer


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
