"""graph.html in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven
by Playwright, on a page built from tests/data/explorer_corpus.jsonl, and for the
confidence slider on a graph of facts of known confidence."""
import csv
from pathlib import Path

import pytest

import kg
from tests.browser import click_edge, headless_chromium, open_page, wait_until_drawn

CORPUS = Path(__file__).parent / "data" / "explorer_corpus.jsonl"
XSS_DOC = "<img src=x onerror=window.__xss=1>"

VISIBLE = """() => ({
  nodes: kgExplorer.nodes.get({ filter: n => !n.hidden }).map(n => n.id),
  edges: kgExplorer.edges.get({ filter: e => !e.hidden }).map(e => kgExplorer.data.edges[e.id]),
})"""


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    kg.build([CORPUS], out=out, formats=["csv", "html"])
    return out


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, out):
    page = open_page(browser, out / "graph.html")
    yield page
    page.close()


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def edge_id(page, a: str, b: str) -> int:
    return page.evaluate("([a, b]) => kgExplorer.data.edges.find(e => (e.from === a && e.to === b) || (e.from === b && e.to === a)).id", [a, b])


def click_node(page, node_id: str) -> None:
    point = page.evaluate("(id) => kgExplorer.network.canvasToDOM(kgExplorer.network.getPositions([id])[id])", node_id)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def panel(page) -> str:
    """The side panel's text as the page holds it (inner_text would apply CSS upper-casing)."""
    return page.locator("#details").text_content()


def test_page_loads_offline_with_no_request_leaving_the_file(browser, out):
    url = (out / "graph.html").resolve().as_uri()
    context = browser.new_context()
    requests, blocked = [], []
    context.on("request", lambda request: requests.append(request.url))

    def only_the_file(route):
        if route.request.url == url:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(url)
    wait_until_drawn(page)
    page.wait_for_timeout(300)  # let late fonts, images or scripts ask, if any would
    context.close()
    assert blocked == []
    assert [r for r in requests if not r.startswith("data:")] == [url]


def test_header_counts_match_the_tables(page, out):
    nodes, edges = rows(out / "nodes.csv"), rows(out / "edges.csv")
    header = page.locator("#counts").inner_text()
    assert f"{len(nodes)} nodes" in header and f"{len(edges)} edges" in header
    assert page.evaluate("[kgExplorer.nodes.length, kgExplorer.edges.length]") == [len(nodes), len(edges)]
    assert page.locator("#title").inner_text() == "kg: explorer_corpus.jsonl"
    legend = page.locator("#legend").inner_text()
    assert "country" in legend and "activity" in legend


def test_physics_is_off_until_toggled(page):
    assert page.evaluate("kgExplorer.network.physics.options.enabled") is False
    page.check("#physics")
    assert page.evaluate("kgExplorer.network.physics.options.enabled") is True


def test_search_focuses_and_highlights_a_country(page):
    page.fill("#search", "jordan")
    page.press("#search", "Enter")
    assert page.evaluate("kgExplorer.network.getSelectedNodes()") == ["JOR"]
    assert page.locator("#details h2").inner_text() == "Jordan"
    page.wait_for_function("""() => {
      const net = kgExplorer.network, at = net.getPositions(["JOR"]).JOR, view = net.getViewPosition();
      return Math.hypot(at.x - view.x, at.y - view.y) < 1 && net.getScale() > 1.4;
    }""", timeout=5000)
    page.fill("#search", "Atlantis")
    page.press("#search", "Enter")
    assert "Nothing matches" in page.locator("#search-message").inner_text()


def test_filters_hide_what_they_should(page):
    everything = page.evaluate(VISIBLE)
    assert any(n.startswith("activity:") for n in everything["nodes"])

    page.uncheck("#legend input[value=activity]")
    shown = page.evaluate(VISIBLE)
    assert not any(n.startswith("activity:") for n in shown["nodes"])
    assert not any("activity:" in e["from"] + e["to"] for e in shown["edges"])
    assert "EGY" in shown["nodes"]
    page.check("#legend input[value=activity]")

    page.select_option("#partnership-filter", "alliance")
    shown = page.evaluate(VISIBLE)
    pairs = {frozenset((e["from"], e["to"])) for e in shown["edges"] if e["relation"] == "partnership"}
    assert pairs == {frozenset(("PAK", "TUR"))}
    assert "EGY" not in shown["nodes"] and "partnership_type:alliance" in shown["nodes"]
    assert "showing" in page.locator("#shown").inner_text()
    page.select_option("#partnership-filter", "")

    page.focus("#min-evidence")
    page.keyboard.press("ArrowRight")
    assert page.locator("#min-evidence-value").inner_text() == "2"
    shown = page.evaluate(VISIBLE)
    assert shown["edges"] and all(e["weight"] >= 2 for e in shown["edges"])
    assert "MYS" not in shown["nodes"]

    page.click("#reset")
    assert page.evaluate(VISIBLE) == everything


def test_clicking_an_edge_shows_its_types_activities_and_evidence(page):
    click_edge(page, edge_id(page, "PAK", "TUR"))
    assert page.locator("#details h2").inner_text() == "Pakistan \u2013 Turkey"
    text = panel(page)
    assert "4 evidence sentences" in text
    assert "Alliance" in text and "Joint exercises" in text and "Intelligence sharing" in text
    docs = page.locator("#details ol.evidence .doc").all_inner_texts()
    assert sorted(docs) == ["alliance-note", "alliance-note", "drills-2024", "drills-2024"]
    assert "Turkey and Pakistan reaffirmed their military alliance during a visit to Ankara." in text


def test_clicking_a_node_lists_partners_and_memberships(page):
    click_node(page, "TUR")
    assert page.locator("#details h2").inner_text() == "Turkey"
    text = panel(page)
    assert "Partners (1)" in text and "Pakistan" in text
    assert "Memberships (1)" in text and "North Atlantic Treaty Organization" in text
    page.get_by_role("button", name="Pakistan").click()
    assert page.locator("#details h2").inner_text() == "Pakistan \u2013 Turkey"


def test_corpus_markup_is_shown_as_text_never_run(page):
    click_edge(page, edge_id(page, "EGY", "JOR"))
    page.wait_for_timeout(300)  # an injected <img onerror> would have fired by now
    assert page.evaluate("typeof window.__xss") == "undefined"
    text = panel(page)
    assert "<script>window.__xss=1</script>" in text
    assert '<img src=x onerror="window.__xss=1">' in text
    assert XSS_DOC in page.locator("#details ol.evidence .doc").all_inner_texts()
    assert page.locator("#details img, #details script").count() == 0


def press(page, selector: str, *keys: str) -> None:
    page.focus(selector)
    for key in keys:
        page.keyboard.press(key)


def test_year_range_hides_the_edges_outside_it(page):
    assert page.locator("#years").is_visible()
    assert page.evaluate("[document.getElementById('year-from').min, document.getElementById('year-to').max]") == ["2019", "2024"]
    everything = page.evaluate(VISIBLE)
    press(page, "#year-from", "End", "ArrowLeft")  # from 2023
    press(page, "#year-to", "ArrowLeft")  # to 2023
    assert page.locator("#years h3").inner_text().replace("\u2013", "-") == "YEARS: 2023-2023"
    shown = page.evaluate(VISIBLE)
    pairs = {frozenset((e["from"], e["to"])) for e in shown["edges"] if e["relation"] == "partnership"}
    assert pairs == {frozenset(("ARE", "SAU"))}
    assert all(2023 in e["years"] for e in shown["edges"])
    assert "PAK" not in shown["nodes"] and "EGY" not in shown["nodes"]  # dated 2024, and undated
    assert page.locator("#shown").inner_text() == f"showing {len(shown['nodes'])} nodes, {len(shown['edges'])} edges"

    press(page, "#year-from", "Home")  # 2019-2023: Oman and India (2019, stated in the text) come back
    shown = page.evaluate(VISIBLE)
    assert {"IND", "OMN", "SAU"} <= set(shown["nodes"]) and "PAK" not in shown["nodes"]
    page.click("#reset")
    assert page.evaluate(VISIBLE) == everything and page.locator("#shown").inner_text() == ""


def test_edge_panel_groups_evidence_by_year(page):
    click_edge(page, edge_id(page, "PAK", "TUR"))
    headings = page.locator("#details h4.year").all_inner_texts()
    assert headings == ["2024 \u00b7 2 sentences", "undated \u00b7 2 sentences"]
    assert "4 evidence sentences, 2024" in panel(page)
    assert "Evidence by year" in panel(page)


def test_year_range_is_not_shown_without_dated_facts(browser, tmp_path):
    corpus = tmp_path / "undated.jsonl"
    corpus.write_text('{"id": "u", "text": "Malaysia and Indonesia launched joint maritime patrols."}\n', encoding="utf-8")
    kg.build([corpus], out=tmp_path / "out", formats=["html"])
    page = open_page(browser, tmp_path / "out" / "graph.html")
    assert not page.locator("#years").is_visible()
    click_edge(page, edge_id(page, "IDN", "MYS"))
    assert page.locator("#details h4.year").count() == 0 and "Evidence" in panel(page)
    page.close()


def confidence_graph():
    """Four edges of known confidence: PAK-TUR 0.8 (two sentences of 0.5, dated 2020, and 0.6,
    dated 2022), QAT-TUR 0.9 (2021), TUR in NATO 0.85 and MYS-IDN 0.3 (undated)."""
    from kg.graph import add_layout, build_graph
    from kg.records import Fact

    facts = [
        Fact("a", 0, 0, 9, "partnership", "PAK", "TUR", activity="joint_exercises", evidence="Drills.", confidence=0.5, year=2020),
        Fact("a", 1, 10, 19, "partnership", "TUR", "PAK", evidence="More drills.", confidence=0.6, year=2022),
        Fact("b", 0, 0, 9, "partnership", "QAT", "TUR", evidence="A base.", confidence=0.9, year=2021),
        Fact("b", 1, 10, 19, "membership", "TUR", "NATO", evidence="A member.", confidence=0.85),
        Fact("c", 0, 0, 9, "partnership", "MYS", "IDN", evidence="Patrols.", confidence=0.3),
    ]
    return add_layout(build_graph(facts, []))


@pytest.fixture
def confidence_page(browser, tmp_path):
    from kg.html import write_html

    write_html(confidence_graph(), tmp_path / "graph.html")
    page = open_page(browser, tmp_path / "graph.html")
    yield page
    page.close()


def shown_pairs(page) -> set:
    return {frozenset((e["from"], e["to"])) for e in page.evaluate(VISIBLE)["edges"]}


def pairs_with(page, condition: str) -> set:
    """The edges of the page's data that pass ``condition``, a JavaScript test of an edge ``e``."""
    return {frozenset(p) for p in page.evaluate(f"kgExplorer.data.edges.filter(e => {condition}).map(e => [e.from, e.to])")}


def test_confidence_slider_hides_the_edges_below_it(confidence_page):
    page = confidence_page
    assert page.locator("#confidence").is_visible()
    assert page.locator("#min-confidence-value").inner_text() == "0.00"
    everything = page.evaluate(VISIBLE)
    assert len(everything["edges"]) == page.evaluate("kgExplorer.data.edges.length")  # 0: every edge shows

    press(page, "#min-confidence", *["ArrowRight"] * 6)
    assert page.locator("#min-confidence-value").inner_text() == "0.30"
    assert shown_pairs(page) == pairs_with(page, "e.confidence >= 0.3")  # an edge of exactly 0.30 stays
    press(page, "#min-confidence", "ArrowRight")
    assert frozenset(("IDN", "MYS")) not in shown_pairs(page)
    assert "MYS" not in page.evaluate(VISIBLE)["nodes"]

    press(page, "#min-confidence", *["ArrowRight"] * 10)
    assert page.locator("#min-confidence-value").inner_text() == "0.85"
    assert shown_pairs(page) == {frozenset(("QAT", "TUR")), frozenset(("NATO", "TUR"))}
    shown = page.evaluate(VISIBLE)
    assert "PAK" not in shown["nodes"] and "activity:joint_exercises" not in shown["nodes"]
    assert page.locator("#shown").inner_text() == f"showing {len(shown['nodes'])} nodes, {len(shown['edges'])} edges"

    page.click("#reset")
    assert page.evaluate(VISIBLE) == everything
    assert page.locator("#min-confidence-value").inner_text() == "0.00"
    assert page.evaluate("document.getElementById('min-confidence').value") == "0"


def test_confidence_and_evidence_sliders_combine(confidence_page):
    page = confidence_page
    press(page, "#min-evidence", "ArrowRight")  # 2 sentences: only Pakistan and Turkey (0.8)
    assert shown_pairs(page) == {frozenset(("PAK", "TUR"))}
    press(page, "#min-confidence", *["ArrowRight"] * 16)  # 0.80: it stays
    assert shown_pairs(page) == {frozenset(("PAK", "TUR"))}
    press(page, "#min-confidence", "ArrowRight")  # 0.85: nothing has both
    assert shown_pairs(page) == set() and page.evaluate(VISIBLE)["nodes"] == []
    press(page, "#min-evidence", "ArrowLeft")  # any evidence again: the confident edges come back
    assert shown_pairs(page) == pairs_with(page, "e.confidence >= 0.85") == {frozenset(("QAT", "TUR")), frozenset(("NATO", "TUR"))}


def test_confidence_slider_combines_with_the_years_and_the_legend(confidence_page):
    page = confidence_page
    press(page, "#year-from", "ArrowRight")  # 2021-2022
    press(page, "#min-confidence", *["ArrowRight"] * 17)  # 0.85
    assert shown_pairs(page) == {frozenset(("QAT", "TUR"))}  # Pakistan and Turkey (2022) are 0.8; NATO undated
    page.uncheck("#legend input[value=country]")
    assert shown_pairs(page) == set()


def test_edge_panel_shows_the_confidence_of_the_edge_and_of_each_sentence(confidence_page):
    page = confidence_page
    click_edge(page, edge_id(page, "PAK", "TUR"))
    assert "2 evidence sentences, 2020\u20132022 \u00b7 confidence 0.80" in panel(page)
    items = page.locator("#details ol.evidence li")
    assert [items.nth(i).locator(".sentence").text_content() for i in range(2)] == ["Drills.", "More drills."]
    assert [items.nth(i).locator(".confidence").text_content() for i in range(2)] == ["confidence 0.50", "confidence 0.60"]


def test_a_graph_without_confidences_has_no_slider_and_hides_nothing_by_it(browser, tmp_path):
    import networkx as nx

    from kg.graph import add_layout
    from kg.html import write_html

    graph = nx.Graph()
    for node in ("PAK", "TUR", "QAT"):
        graph.add_node(node, type="country", label=node)
    graph.add_edge("PAK", "TUR", relation="partnership", weight=1, evidence=["[a] Drills."], doc_ids=["a"])
    graph.add_edge("QAT", "TUR", relation="partnership", weight=1)
    write_html(add_layout(graph), tmp_path / "graph.html")
    page = open_page(browser, tmp_path / "graph.html")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert not page.locator("#confidence").is_visible()
    click_edge(page, edge_id(page, "PAK", "TUR"))
    assert "confidence" not in panel(page) and page.locator("#details .confidence").count() == 0
    page.click("#reset")
    assert len(page.evaluate(VISIBLE)["edges"]) == 2 and errors == []
    page.close()


def test_confidence_slider_works_with_the_rules_fixed_confidences(browser, tmp_path):
    kg.build([CORPUS], out=tmp_path / "out", formats=["html"], model="")
    page = open_page(browser, tmp_path / "out" / "graph.html")
    confidences = set(page.evaluate("kgExplorer.data.edges.map(e => e.confidence)"))
    assert None not in confidences and len(confidences) > 1
    confidences = sorted(confidences)
    # The slider's last step at or below the second-lowest confidence: the lowest edges go, the rest stay.
    steps = int(confidences[1] * 20 + 1e-9)
    press(page, "#min-confidence", *["ArrowRight"] * steps)
    threshold = steps / 20
    assert threshold > confidences[0]
    assert shown_pairs(page) == pairs_with(page, f"e.confidence >= {threshold}") != pairs_with(page, "true")
    page.close()
