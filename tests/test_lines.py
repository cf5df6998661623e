"""Which line breaks end a sentence: hard-wrapped prose, headings, lists, page numbers."""
import shutil

import pytest

from kg.gazetteer import DATA_DIR
from kg.lines import LineRulesError, is_hard_wrapped, load_line_rules, read_lines, text_line_starts

RULES = load_line_rules()

#: A report hard-wrapped at 56 characters, as text copied from a PDF reads.
WRAPPED = """\
Defence Cooperation in the Gulf

Qatar and Turkey signed a defence cooperation agreement
in Doha last spring, and the two governments agreed to
hold joint naval exercises in the Arabian Gulf every
year. Officials from both countries described the pact
as a turning point.
The agreement covers three areas:
1. joint exercises at sea and in the air,
2. the training of officers at military academies,
3. the exchange of intelligence on smuggling networks.
Oman, which hosted the first round of talks, welcomed
the agreement and offered its ports to both navies for
14

refuelling and repairs during the exercises.
A Note on Sources
Reports from the two ministries were compared with the
statements released after each meeting by the Gulf
Cooperation Council secretariat in Riyadh.
"""

#: The same kind of text with a paragraph per line.
PARAGRAPHS = """\
Qatar and Turkey signed a defence cooperation agreement in Doha last spring.
Officials from both countries described the pact as a turning point in relations between the two.
Oman, which hosted the first round of talks, welcomed the agreement and offered its ports to both navies.
Mr. President,
Reports from the two ministries were compared with the statements released after each meeting.
Both navies will hold their first joint exercise in the spring, weather permitting.
"""


def starting_lines(text, **options):
    return [text[i:].split("\n", 1)[0] for i in text_line_starts(text, RULES, **options)]


def test_hard_wrapped_text_is_told_from_a_paragraph_per_line():
    assert is_hard_wrapped(read_lines(WRAPPED, RULES), RULES)
    assert not is_hard_wrapped(read_lines(PARAGRAPHS, RULES), RULES)


def test_wrapped_lines_go_on_and_headings_list_items_and_page_numbers_start_sentences():
    assert starting_lines(WRAPPED) == [
        "Qatar and Turkey signed a defence cooperation agreement",  # after a heading and a blank line
        "The agreement covers three areas:",  # after a full stop
        "1. joint exercises at sea and in the air,",
        "2. the training of officers at military academies,",
        "3. the exchange of intelligence on smuggling networks.",
        "Oman, which hosted the first round of talks, welcomed",
        "14",  # a page number is a sentence of its own
        "refuelling and repairs during the exercises.",
        "A Note on Sources",
        "Reports from the two ministries were compared with the",  # after a short line: a heading
    ]


def test_every_line_of_a_paragraph_per_line_text_starts_a_sentence():
    assert len(starting_lines(PARAGRAPHS)) == PARAGRAPHS.count("\n") - 1


def test_a_line_starting_in_lower_case_goes_on_in_any_text():
    text = "This is the highest forum\n of mankind.\nThe session opened."
    assert starting_lines(text, wrapped=False) == ["The session opened."]


def test_a_page_break_in_mid_sentence_is_read_across_a_blank_line():
    text = "The most dramatic events and the\n\nmost unexpected changes came.\n\nThen talks began."
    assert starting_lines(text, wrapped=True) == ["Then talks began."]


def test_the_short_last_line_of_a_paragraph_ends_it():
    text = WRAPPED.replace("as a turning point.\n", "as a turning point\n")
    assert "The agreement covers three areas:" in starting_lines(text)


@pytest.mark.parametrize("line, page_number", [
    ("14", True), ("- 14 -", True), ("Page 14", True), ("  3/12 ", True),
    ("14 ships were sent", False), ("1990.", False), ("", False),
])
def test_page_numbers(line, page_number):
    assert bool(RULES.page_number.match(line)) is page_number


@pytest.mark.parametrize("line, item", [
    ("1. joint drills", True), ("(a) joint drills", True), ("iv) joint drills", True), ("- joint drills", True),
    ("• joint drills", True), ("34.\tIn taking up the work", True), ("33: May I first", True),
    ("In 1990 the talks", False), ("1990. The talks", False), ("-based security", False),
])
def test_list_items(line, item):
    assert bool(RULES.list_item.match(line)) is item


def test_offsets_point_into_the_text():
    for start in text_line_starts(WRAPPED, RULES):
        assert WRAPPED[start - 1] == "\n"


def test_an_unknown_key_is_an_error_naming_the_file_and_line(tmp_path):
    shutil.copy(DATA_DIR / "line_breaks.yaml", tmp_path / "line_breaks.yaml")
    path = tmp_path / "line_breaks.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("full_line:"))
    lines[number - 1] = lines[number - 1].replace("full_line:", "full_lines:")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LineRulesError) as error:
        load_line_rules(tmp_path)
    assert str(error.value) == f"{path}:{number}: unknown key 'full_lines'"


def test_a_missing_key_is_an_error(tmp_path):
    text = (DATA_DIR / "line_breaks.yaml").read_text(encoding="utf-8")
    (tmp_path / "line_breaks.yaml").write_text(text.replace("min_lines:", "# min_lines:"), encoding="utf-8")
    with pytest.raises(LineRulesError, match="line_breaks.yaml:1: missing key 'min_lines'"):
        load_line_rules(tmp_path)


def test_a_value_of_the_wrong_kind_is_an_error_naming_the_file_and_line(tmp_path):
    text = (DATA_DIR / "line_breaks.yaml").read_text(encoding="utf-8")
    (tmp_path / "line_breaks.yaml").write_text(text.replace("max_wrap_width: 120", "max_wrap_width: wide"), encoding="utf-8")
    number = text.splitlines().index("max_wrap_width: 120") + 1
    with pytest.raises(LineRulesError, match=f"line_breaks.yaml:{number}: max_wrap_width: invalid literal"):
        load_line_rules(tmp_path)
