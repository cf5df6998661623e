"""One parametrised table per extraction mechanism of issue 3 (1-6; 7 is in test_trained_pipeline.py).

Every sentence is our own. Each table has negative cases: what must *not* be extracted.
"""
from __future__ import annotations

import pytest

from kg.nlp import ENTITIES_KEY
from kg.extract import read_sentences
from tests.extraction_helpers import dyad_attributes, dyads, entity_ids, facts


# 1. Entity linking -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Officials from the USA, America and the U.S. met.", ["USA", "USA", "USA"]),
        ("Britain and the UK are one; so are the KSA and the Emiratis.", ["GBR", "GBR", "SAU", "ARE"]),
        ("The PRC, the DPRK and the ROK sent envoys.", ["CHN", "PRK", "KOR"]),
        ("Türkiye, spelt Turkiye, is Turkey.", ["TUR", "TUR", "TUR"]),
        ("Pakistani, Emirati, Saudi, Turkish and British officers.", ["PAK", "ARE", "SAU", "TUR", "GBR"]),
        ("Canberra and Beijing and Moscow replied.", ["AUS", "CHN", "RUS"]),
        ("The Anglo-French summit and Franco-German brigade.", ["GBR", "FRA", "FRA", "DEU"]),
        ("the French-Australian deal and the U.S.-India pact", ["FRA", "AUS", "USA", "IND"]),
        ("The NATO–EU declaration.", ["NATO", "EU"]),
        ("Taiwan, Palestine, Kosovo and the Holy See sent observers.", ["TWN", "PSE", "XKX", "VAT"]),
        ("The Soviet Union armed Cuba.", ["SUN", "CUB"]),
        ("Thousands of Palestinians and Afghans crossed.", ["PSE", "AFG"]),
        ("Troops from Indoensia and Quatar arrived.", ["IDN", "QAT"]),
        ("The Peninsula Shield Force deployed.", ["GCC"]),
        ("The Organisation of Islamic Cooperation met the Shanghai Cooperation Organisation.", ["OIC", "SCO"]),
        # negative: country names inside other names
        ("The Islamic State of Iraq and Syria lost ground near the Gulf of Oman.", []),
        ("The Bank of England raised rates.", []),
        # the Pacific region and its leaders' summit, not the Federated States of Micronesia
        ("The Micronesian region met at the Micronesian Presidents' Summit; the Micronesian Government spoke.", ["FSM"]),
        # outside what is named: "non-NATO" is no mention of NATO
        ("Ghana and Peru are major non-NATO allies; non-EU, non EU, non–OAS and non-Arab states agreed.", ["GHA", "PER"]),
        ("Ghana joined the Non-Aligned Movement.", ["GHA", "NON_ALIGNED_MOVEMENT"]),
        # the regional bodies modelled on the FATF are not the FATF
        ("Peru and Chile sit in the Financial Action Task Force of Latin America, Ghana in the FATF.",
         ["PER", "CHL", "GHA", "FATF"]),
        ("Jamaica chairs the Caribbean Financial Action Task Force.", ["JAM"]),
        # negative: real words close to country names
        ("Benign neglect of the Balkan question.", []),
    ],
)
def test_entity_linking(nlp, text, expected):
    assert entity_ids(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a named reference reaches a few sentences back ...
        ("Chad and Niger signed a defence pact. Rains came early. Harvests grew. The two nations run joint patrols.",
         {("NER", "TCD")}),
        # ... a pronoun only the next sentence
        ("Chad and Niger signed a defence pact. Rains came early. Harvests grew. Their armies run joint patrols.", set()),
        ("Chad and Niger signed a defence pact. Their armies run joint patrols.", {("NER", "TCD")}),
    ],
)
def test_reference_reach(nlp, text, expected):
    later = {tuple(sorted((f.source, f.target))) for f in facts(nlp, text) if f.sentence > 0}
    assert later == expected


def test_the_kingdom_names_the_kingdom_in_focus(nlp):
    text = "Jordan and Egypt renewed their defence agreement. Egypt will train officers of the Kingdom."
    assert ("EGY", "JOR") in dyads(nlp, text)


# 2. Partnerships ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("A naval accord between Chile and Peru took effect.", {("CHL", "PER")}),
        ("Norway and Denmark signed a maritime accord.", {("DNK", "NOR")}),
        ("Ghana and Togo held joint patrols.", {("GHA", "TGO")}),
        ("Kenya's partnership with Ethiopia covers border security.", {("ETH", "KEN")}),
        ("Ankara supplied Baku with armed drones during the war.", {("AZE", "TUR")}),
        ("Britain provides training and equipment to Ukraine's armed forces.", {("GBR", "UKR")}),
        ("The Nigeria-Niger alliance has held for decades.", {("NER", "NGA")}),
        ("Japan, Australia and India held joint naval drills.", {("AUS", "IND"), ("AUS", "JPN"), ("IND", "JPN")}),
        ("Germany and, separately, the Netherlands agreed to lease tanks to Lithuania.", {("DEU", "LTU"), ("LTU", "NLD")}),
        ('Chile, "Peru" and Bolivia held joint drills.', {("BOL", "CHL"), ("BOL", "PER"), ("CHL", "PER")}),
        ("Iran threatened Israel while Russia and Iran expanded their military cooperation.", {("IRN", "RUS")}),
        ("Australia and Japan deepened security ties to counter China.", {("AUS", "JPN")}),
        ("After the 1962 war with China, India received military aid from Britain and France.",
         {("FRA", "IND"), ("GBR", "IND")}),
        ("Chile sells frigates to Ecuador, while Peru buys drones from Israel.", {("CHL", "ECU"), ("ISR", "PER")}),
        ("Mali and Niger issued a joint statement condemning the attack.", {("MLI", "NER")}),
        ("Italy has defence agreements with Albania and Greece, but the two neighbours have strained ties.",
         {("ALB", "ITA"), ("GRC", "ITA")}),
        ("France and Britain condemned Iran's seizure of the tanker.", set()),
        ("France deployed peacekeepers to the UN mission in Lebanon.", {("FRA", "UN"), ("FRA", "LBN")}),
        # negative: co-occurrence, hostility, failure, places, adversaries, attribution, recipients
        ("Leaders of Chile and Peru met in Lima for the ASEAN summit.", {("CHL", "PER")}),
        ("Joint patrols now cover the Chile–Peru border.", set()),
        ("Unlike Peru, Chile has trained Argentine pilots.", {("ARG", "CHL")}),
        ("Besides Peru, Chile signed a naval accord with Ecuador.", {("CHL", "ECU")}),
        ("Brazil and Argentina compete for influence in Bolivia, where both provide loans.", set()),
        ("Chile and Peru both border Bolivia.", set()),
        ("Egypt accused Ethiopia of threatening its water security despite their cooperation.", set()),
        ("Talks on a defence pact between Serbia and Kosovo collapsed.", set()),
        ("Qatar and Bahrain severed ties and ended all cooperation.", set()),
        ("Relations between Chile and Bolivia deteriorated after the border incident.", set()),
        ("The United States imposed sanctions on Iran over its cooperation with Syria.", set()),
        ("Sweden trained troops deployed in Mali.", set()),
        ("Militant groups in Libya received weapons and training.", set()),
        ("Oman and Yemen agreed to a ceasefire.", set()),
        ("Mexico sent aid to Haiti, a Canadian official said.", {("HTI", "MEX")}),
        ("The EU pledged aid to Romania and Poland.", {("EU", "POL"), ("EU", "ROU")}),
        ("Germany signed a UN-brokered deal with Namibia.", {("DEU", "NAM")}),
        ("Laos and Cambodia renewed their pact, a decade after Laos's first treaty with Vietnam.",
         {("KHM", "LAO"), ("LAO", "VNM")}),
        ("Jordan receives about $1 billion a year in U.S. military aid.", {("JOR", "USA")}),
        ("Italy maintains military bases in Niger and Djibouti.", {("DJI", "ITA"), ("ITA", "NER")}),
        ("The Chile–Peru relationship rests on a naval accord.", {("CHL", "PER")}),
        ("Tunisia has been a major non-NATO ally of the United States since 2015.", {("TUN", "USA")}),
        ("Russia is Belarus's closest military ally.", {("BLR", "RUS")}),
        ("Nigeria led a coalition of West African states, including Ghana and Senegal, into Gambia.",
         {("GHA", "NGA"), ("NGA", "SEN"), ("GHA", "SEN")}),
        ("Djibouti hosts large French bases near its port.", {("DJI", "FRA")}),
    ],
)
def test_partnerships(nlp, text, expected):
    assert dyads(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Oman and India signed a defence pact. Both countries will expand naval cooperation.", {("IND", "OMN")}),
        ("Chad and Niger formed an alliance. The two partners then ran joint patrols.", {("NER", "TCD")}),
        ("Peru and Chile renewed their pact. Their navies train together.", {("CHL", "PER")}),
        ("Saudi Arabia hosts US troops. The Kingdom also buys American jets.", {("SAU", "USA")}),
        # negative: a reference does not cross a paragraph
        ("Peru and Chile renewed their pact.\n\nBoth countries train with Brazil.", {("CHL", "PER")}),
    ],
)
def test_references_resolve_to_the_pair_in_focus(nlp, text, expected):
    found = facts(nlp, text)
    assert {tuple(sorted((f.source, f.target))) for f in found if f.relation == "partnership" and f.sentence == 1} == (
        expected if "\n\n" not in text else set()
    )
    assert all(f.method == "reference" for f in found if f.sentence == 1 and "\n\n" not in text)


# 3. Activities and partnership types -----------------------------------------------------------

@pytest.mark.parametrize(
    "text, pair, activities",
    [
        ("Chile and Peru agreed on the exchange of classified information.", ("CHL", "PER"), {"intelligence_sharing"}),
        ("Egypt buys jets from France under foreign military sales.", ("EGY", "FRA"), {"arms_transfer"}),
        ("Kenya and Britain agreed on rotational basing of British troops.", ("GBR", "KEN"), {"basing"}),
        ("Turkey and Pakistan agreed on the co-production of corvettes.", ("PAK", "TUR"), {"defense_industry", "arms_transfer"}),
        ("Japan and Vietnam cooperate on disaster relief.", ("JPN", "VNM"), {"disaster_response"}),
        ("Ghana and Togo launched a defense program and joint defence programmes.", ("GHA", "TGO"), set()),
        ("Spain and Morocco agreed on co-operation in counter-terrorism.", ("ESP", "MAR"), {"counter_terrorism"}),
        # common phrasings of each activity
        ("Ghana and Togo signed a pact on industrial and armament cooperation.", ("GHA", "TGO"), {"defense_industry"}),
        ("Senegal gave Mali logistical support in 2019.", ("MLI", "SEN"), {"military_aid"}),
        ("Bolivia sent Paraguay troops in support of its government.", ("BOL", "PRY"), {"military_aid"}),
        ("Norway made a financial contribution to the African Union.", ("AU", "NOR"), {"financial_aid"}),
        ("Chile and Peru pledged to assist Bolivia if it is attacked.", ("CHL", "PER"), {"mutual_defense"}),
        ("Chile and Peru promised to help each other in the event of an attack.", ("CHL", "PER"), {"mutual_defense"}),
        ("Ghana and Togo signed a Treaty of Friendship and Mutual Assistance.", ("GHA", "TGO"), {"mutual_defense"}),
        ("Ghana bought $90 million worth of arms from Togo.", ("GHA", "TGO"), {"arms_transfer"}),
        ("Togo agreed to the sale of military equipment to Ghana.", ("GHA", "TGO"), {"arms_transfer"}),
        ("Poland and Latvia recalled their pledge under NATO's Article 5.", ("LVA", "POL"), {"mutual_defense"}),
        ("Poland and Latvia honour Article 5 of the North Atlantic Treaty.", ("LVA", "POL"), {"mutual_defense"}),
        # negative: another text's article 5 is no defence clause
        ("Ghana and Togo signed a treaty whose article 5 of the annex sets the border.", ("GHA", "TGO"), set()),
        ("Chile and Peru agreed under article 5 of the Charter to suspend the regime.", ("CHL", "PER"), set()),
        # negative: legal assistance is no defence
        ("Ghana and Togo signed a treaty on mutual assistance in criminal matters.", ("GHA", "TGO"), set()),
        ("Chad contributed two battalions to the United Nations force.", ("TCD", "UN"), {"peacekeeping"}),
        ("Japan gave Jordan humanitarian support for the refugees it shelters.", ("JOR", "JPN"), {"disaster_response"}),
        ("Ghana kept a military presence in Liberia until 2003.", ("GHA", "LBR"), {"basing"}),
        ("Ghana signed an agreement with Liberia for a ten-year lease of the base.", ("GHA", "LBR"), {"basing"}),
        ("The airfield was leased by Liberia to Ghana in 1990.", ("GHA", "LBR"), {"basing"}),
        ("Ghana keeps a signals unit based in Liberia.", ("GHA", "LBR"), {"basing"}),
        ("Ghana and Liberia agreed on the expansion of Naval Station Harper.", ("GHA", "LBR"), {"basing"}),
        # negative: a division based on wealth is no unit
        ("Ghana and Liberia deplored a division based on wealth.", ("GHA", "LBR"), set()),
        ("Laos and Cambodia co-hosted the forum and issued a joint Lao and Cambodian communiqué.", ("KHM", "LAO"),
         {"policy_coordination"}),
        ("Egypt and France agreed to cooperate on nuclear power plants.", ("EGY", "FRA"), {"nuclear_cooperation"}),
        # negative: "the nuclear Powers" are the states that hold the weapon, not nuclear energy
        ("Chile and Peru signed a pact on the disarmament of the nuclear Powers.", ("CHL", "PER"), set()),
        # each clause's cues go to that clause's pair
        ("Spain sells frigates to Egypt, while Italy trains Egyptian pilots.", ("EGY", "ITA"), {"military_training"}),
        ("Spain sells frigates to Egypt, while Italy trains Egyptian pilots.", ("EGY", "ESP"), {"arms_transfer"}),
        # negative: negated cues
        ("Chile and Peru agreed on trade but not on intelligence sharing.", ("CHL", "PER"), {"economic_cooperation"}),
        ("The pact between Bhutan and India contains no specific commitment to intervene militarily.",
         ("BTN", "IND"), set()),
        ("Chile and Argentina signed a partnership that excludes intelligence sharing.", ("ARG", "CHL"), set()),
    ],
)
def test_activities(nlp, text, pair, activities):
    assert dyad_attributes(nlp, text, "activity").get(pair, set()) == activities


@pytest.mark.parametrize(
    "text, pair, types",
    [
        ("Vietnam and India upgraded ties to a comprehensive strategic partnership.", ("IND", "VNM"), {"strategic_partnership"}),
        ("Greece and Cyprus signed a defence cooperation agreement.", ("CYP", "GRC"), {"defense_agreement"}),
        ("The U.S.-Philippine mutual defence treaty dates from 1951.", ("PHL", "USA"), {"alliance"}),
        ("Israel and Bahrain agreed to normalise relations.", ("BHR", "ISR"), {"normalization_agreement"}),
        ("Ghana and Togo keep close military ties.", ("GHA", "TGO"), {"defense_cooperation"}),
        # a military body of several states, and attachés exchanged
        ("Ghana and Togo set up a combined border formation in 2004.", ("GHA", "TGO"), {"defense_cooperation"}),
        ("Ghana and Togo operate a joint air defence network.", ("GHA", "TGO"), {"defense_cooperation"}),
        ("Ghana and Togo exchanged military attachés.", ("GHA", "TGO"), {"defense_cooperation"}),
        # an instrument whose purpose is defence cooperation is a defence agreement
        ("Ghana and Togo signed a treaty for defence and security cooperation.", ("GHA", "TGO"), {"defense_agreement"}),
        ("Chile and Peru renewed their military cooperation pact.", ("CHL", "PER"), {"defense_agreement"}),
        ("Chile and Peru reviewed the military bases agreement.", ("CHL", "PER"), {"defense_agreement"}),
        ("Chile and Peru signed a strategic treaty in 2001.", ("CHL", "PER"), {"strategic_partnership"}),
        # the end of a conflict or a break in relations
        ("Oman welcomed the agreement to normalize bilateral relations between Chile and Peru.", ("CHL", "PER"),
         {"normalization_agreement"}),
        ("Chile re-established diplomatic ties with Peru in 1990.", ("CHL", "PER"), {"normalization_agreement"}),
        ("Chile and Peru signed a peace and friendship treaty.", ("CHL", "PER"), {"normalization_agreement"}),
        ("The accord between Chile and Peru ended the state of war.", ("CHL", "PER"), {"normalization_agreement"}),
        ("Chile and Peru began a process of reconciliation.", ("CHL", "PER"), {"normalization_agreement"}),
        ("Greece is the largest economic partner of Albania.", ("ALB", "GRC"), {"economic_partnership"}),
        # negative: reconciliation within one country
        ("Chile and Peru support national reconciliation in Bolivia.", ("CHL", "PER"), set()),
        ("Tunisia has been a major non-NATO ally of the United States since 2015.", ("TUN", "USA"),
         {"security_partnership"}),
        # negative: part of an activity's phrase is no type; a cue inside an organisation's name is no type
        ("Peru and Chile expanded maritime security cooperation.", ("CHL", "PER"), set()),
        ("Oman and Qatar attended the Gulf Cooperation Council summit together.", ("OMN", "QAT"), set()),
    ],
)
def test_partnership_types(nlp, text, pair, types):
    assert dyad_attributes(nlp, text, "partnership_type").get(pair, set()) == types


# 4. Memberships ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Poland, a NATO member since 1999, hosts allied troops.", {("POL", "NATO")}),
        ("The members of the Gulf Cooperation Council are Bahrain, Kuwait and Oman.",
         {("BHR", "GCC"), ("KWT", "GCC"), ("OMN", "GCC")}),
        ("AUKUS is a trilateral security pact comprising Australia, the United Kingdom and the United States.",
         {("AUS", "AUKUS"), ("GBR", "AUKUS"), ("USA", "AUKUS")}),
        ("Sweden joined NATO in 2024.", {("SWE", "NATO")}),
        ("NATO's member states include Norway, Denmark and Iceland.", {("NOR", "NATO"), ("DNK", "NATO"), ("ISL", "NATO")}),
        ("Kazakhstan is a founding member of the Collective Security Treaty Organization.", {("KAZ", "CSTO")}),
        ("The African Union was founded in 2002. Its members include Ghana and Kenya.", {("GHA", "AU"), ("KEN", "AU")}),
        ("ASEAN was formed in 1967 by five founding members, including Thailand and Malaysia. Vietnam joined in 1995, "
         "followed by Laos in 1997.", {("THA", "ASEAN"), ("MYS", "ASEAN"), ("VNM", "ASEAN"), ("LAO", "ASEAN")}),
        ("Malaysia, Singapore and Australia are parties to the Five Power Defence Arrangements.",
         {("MYS", "FPDA"), ("SGP", "FPDA"), ("AUS", "FPDA")}),
        ("Spain is a member of the European Union and joined NATO in 1982.", {("ESP", "EU"), ("ESP", "NATO")}),
        # the country that leads the body is one of its members too
        ("The CSTO, a Russian-led alliance, includes Armenia and Belarus.",
         {("RUS", "CSTO"), ("ARM", "CSTO"), ("BLR", "CSTO")}),
        ("The Warsaw Pact was signed in 1955 by the Soviet Union and other states, including Poland and Hungary.",
         {("SUN", "WARSAW_PACT"), ("POL", "WARSAW_PACT"), ("HUN", "WARSAW_PACT")}),
        ("Chad and Niger renewed their defence pact. Both countries are members of the African Union and the UN.",
         {("TCD", "AU"), ("NER", "AU"), ("TCD", "UN"), ("NER", "UN")}),
        # negative
        ("ASEAN held a summit. Vietnam joined the talks with China.", set()),
        ("Morocco has been a major non-NATO ally of the United States since 2004.", set()),
        ("Turkey's bid to join the European Union has stalled.", set()),
        ("Brazil is not a member of the African Union.", set()),
        ("Armenia suspended its membership of the Collective Security Treaty Organization.", set()),
    ],
)
def test_memberships(nlp, text, expected):
    assert {(f.source, f.target) for f in facts(nlp, text) if f.relation == "membership"} == expected


def test_organisation_level_partnership(nlp):
    assert dyads(nlp, "The EU and NATO signed a joint declaration on cooperation.") == {("EU", "NATO")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The members of the Gulf Cooperation Council are Bahrain, Kuwait and Oman.", set()),
        # a composition word lists the makeup of the body: its members act together in it
        ("AUKUS is a trilateral security pact comprising Australia, the United Kingdom and the United States.",
         {("AUS", "GBR"), ("AUS", "USA"), ("GBR", "USA")}),
        ("The task force is made up of units from Chad, Niger and Benin.",
         {("BEN", "NER"), ("BEN", "TCD"), ("NER", "TCD")}),
        # a list that takes part in a force or an operation is its makeup, whether the body follows
        # the verb or comes before the relative clause that holds the list
        ("Finland, Norway and Estonia take part in the Nordic battlegroup.",
         {("EST", "FIN"), ("EST", "NOR"), ("FIN", "NOR")}),
        ("Soldiers from Ghana and Togo serve in the regional force.", {("GHA", "TGO")}),
        ("The brigade, in which Lithuania and Latvia participate, was set up in 2015.", {("LTU", "LVA")}),
        # taking part in a meeting makes no makeup
        ("Ghana and Togo participated in the conference.", set()),
        # a joint activity of the members is a partnership of each pair
        ("ASEAN members Vietnam and Laos held joint drills.", {("LAO", "VNM")}),
    ],
)
def test_members_listed_are_not_partners_of_each_other(nlp, text, expected):
    assert dyads(nlp, text) == expected


# 5. Type-level knowledge -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Security partnerships involve intelligence sharing and joint training.",
         {("security_partnership", "intelligence_sharing"), ("security_partnership", "military_training")}),
        ("Defence agreements often provide for joint exercises.", {("defense_agreement", "joint_exercises")}),
        # negative: a sentence about actors is no type-level statement; nor is a reference back
        ("Chile and Peru's security partnership involves intelligence sharing.", set()),
        ("Their security partnership involves intelligence sharing.", set()),
    ],
)
def test_type_level_knowledge(nlp, text, expected):
    found = facts(nlp, text)
    assert {(f.source, f.activity) for f in found if f.relation == "type_activity"} == expected


def test_type_level_statements_name_no_country(nlp):
    found = facts(nlp, "Strategic partnerships typically involve regular dialogue.")
    assert found and all(f.relation == "type_activity" for f in found)


# 6. Confidence -----------------------------------------------------------------------------------

def test_confidence_orders_explicit_pattern_over_reference_over_weak_cue(nlp):
    text = "A defence pact between Chile and Peru took effect. The two nations support each other."
    by_sentence = {f.sentence: f.confidence for f in facts(nlp, text)}
    explicit, reference = by_sentence[0], by_sentence[1]
    assert explicit > reference
    weak = facts(nlp, "Chile and Peru support each other.")[0].confidence
    strong = facts(nlp, "Chile and Peru signed a defence pact.")[0].confidence
    assert strong > weak
    assert all(0 <= c <= 1 for c in (explicit, reference, weak, strong))


def test_entity_spans_are_not_mutated_by_extraction(nlp):
    doc = nlp("Chile and Peru signed a defence pact.")
    before = [(s.start, s.end, s.id_) for s in doc.spans[ENTITIES_KEY]]
    read_sentences(doc)
    assert [(s.start, s.end, s.id_) for s in doc.spans[ENTITIES_KEY]] == before
