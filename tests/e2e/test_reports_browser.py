"""The HTML reports in a real Chromium (Debian's, driven by Playwright): charts drawn, Chinese shown, A4 print.

Never downloads a browser: it uses /usr/bin/chromium and skips, saying so, when it is absent.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import build_town, make_db_url
from tests.integration import reports_town

CHROMIUM = "/usr/bin/chromium"
A4_PORTRAIT_PX = 794  # 210 mm at 96 dpi
A4_LANDSCAPE_PX = 1123

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The March statistics, ledger and agenda and A's agreement, written as files."""
    from disputeflow import Engine
    from disputeflow.workflow.timesource import FixedClock

    tmp = tmp_path_factory.mktemp("reports")
    url, _ = make_db_url("sqlite", tmp)
    clock = FixedClock(reports_town.at(1, 5))
    eng = Engine(url, clock=clock)
    eng.init()
    build_town(eng)
    town = reports_town.build(eng, clock)
    files = {}
    for key, kind, fmt, params in (("stats", "stats", "html", {"month": "2026-03"}),
                                   ("stats_en", "stats", "html", {"month": "2026-03", "lang": "en"}),
                                   ("ledger", "ledger", "html", {"month": "2026-03"}),
                                   ("offices", "offices", "html", {"month": "2026-03"}),
                                   ("agenda", "agenda", "html", {"date": "2026-03-26"}),
                                   ("agreement", "agreement", "html", {"number": town["A"]})):
        name, body, _ = eng.report_file(kind, fmt=fmt, actor="sup", **params)
        path = tmp / f"{key}-{name}"
        path.write_bytes(body)
        files[key] = path
    eng.close()
    return files


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _open(browser, path, width=A4_PORTRAIT_PX):
    page = browser.new_page(viewport={"width": width, "height": 1100})
    requests = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(path.as_uri())
    return page, requests


# For an element whose first child is Chinese text: the inline width of that text (a Range, not the
# block's box) against the same number of a code point no font has (U+10FFFD draws the missing-glyph
# box), and each distinct character drawn on a canvas in the element's font, compared with that box.
CJK_GLYPHS = """e => {
  const text = e.firstChild.data, chars = [...new Set(text)], cs = getComputedStyle(e);
  const em = parseFloat(cs.fontSize), range = document.createRange();
  range.selectNodeContents(e.firstChild);
  const width = range.getBoundingClientRect().width;
  const probe = document.createElement('span');
  probe.textContent = '\\u{10FFFD}'.repeat([...text].length);
  e.appendChild(probe);
  const missing_width = probe.getBoundingClientRect().width;
  probe.remove();
  const side = Math.ceil(em * 2), canvas = document.createElement('canvas');
  canvas.width = canvas.height = side;
  const g = canvas.getContext('2d');
  g.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  g.textBaseline = 'top';
  const pixels = ch => {
    g.clearRect(0, 0, side, side);
    g.fillText(ch, em / 4, em / 4);
    return g.getImageData(0, 0, side, side).data.filter((_, i) => i % 4 === 3).join(',');
  };
  const box = pixels('\\u{10FFFD}'), drawn = chars.map(pixels);
  return {n: [...text].length, chars: chars.length, em, width, missing_width,
          as_missing: drawn.filter(p => p === box || !/[1-9]/.test(p)).length, distinct: new Set(drawn).size};
}"""


def test_statistics_charts_render_with_chinese_text(browser, reports):
    page, requests = _open(browser, reports["stats"])
    assert page.locator("h1").inner_text() == "试点镇矛盾纠纷排查调处工作统计表"
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 300 and box["height"] > 60
    # bars are drawn to scale: 甲村 reported 3, 乙村 2
    widths = page.eval_on_selector("svg.chart-bars",
                                   "svg => [...svg.querySelectorAll('rect.bar')].map(e => e.getBBox().width)")
    assert widths[:2] and widths[0] > widths[1] > 0
    assert page.locator("svg.chart-lines polyline.series").count() == 3
    assert page.eval_on_selector("svg.chart-lines", "e => e.getAttribute('aria-label')") == "逐月趋势"
    body = page.locator("body").inner_text()
    for text in ("化解率", "调解成功率", "按期办结率", "稳控率", "25.0%", "指标口径", "甲村", "乙村"):
        assert text in body, text
    # the heading's Chinese is drawn with real glyphs, not the missing-glyph box of a font without CJK
    drawn = page.eval_on_selector("h1", CJK_GLYPHS)
    assert drawn["n"] == drawn["chars"] == 16 and drawn["as_missing"] == 0 and drawn["distinct"] == drawn["chars"], drawn
    assert drawn["width"] >= 0.9 * drawn["n"] * drawn["em"] > 1.2 * drawn["missing_width"], drawn
    assert requests == []  # nothing fetched from the network


def test_statistics_in_english(browser, reports):
    page, _ = _open(browser, reports["stats_en"])
    assert "dispute mediation statistics" in page.locator("h1").inner_text()
    assert "Resolution rate" in page.locator("body").inner_text()


def test_statistics_print_on_a4_portrait(browser, reports):
    page, _ = _open(browser, reports["stats"])
    page.emulate_media(media="print")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and 1 <= pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") <= 6


def test_ledger_prints_on_a4_landscape(browser, reports):
    page, _ = _open(browser, reports["ledger"], width=A4_LANDSCAPE_PX)
    page.emulate_media(media="print")
    assert page.locator("table.ledger tbody tr").count() == 7
    assert page.eval_on_selector("table.ledger thead", "e => getComputedStyle(e).display") == "table-header-group"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.pdf(prefer_css_page_size=True).startswith(b"%PDF")


def test_agenda_and_agreement_show_their_chinese_headings(browser, reports):
    page, _ = _open(browser, reports["agenda"])
    headings = page.locator("h2").all_inner_texts()
    assert headings[0].startswith("一、上次会议以来新登记的纠纷") and headings[-1].startswith("六、待销号案件")
    page, _ = _open(browser, reports["agreement"])
    assert page.locator("h1").inner_text() == "人民调解协议书"
    assert page.locator(".paperno").first.inner_text().startswith("（2026）")  # the committee's own number
    assert page.locator(".signs").last.inner_text().startswith("甲村人民调解委员会（印章）")
    page.emulate_media(media="print")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0  # the particulars grid fits the A4 text width


def test_the_work_orders_by_office_print_on_a4_portrait(browser, reports):
    page, requests = _open(browser, reports["offices"])
    assert page.locator("h1").inner_text() == "试点镇交办办理情况统计表（按承办站所）"
    assert page.locator("table.offices thead th").all_inner_texts() == ["承办站所", "交办数", "按时签收率", "按时反馈率", "退回数"]
    assert page.locator("table.offices tbody tr").first.locator("td").all_inner_texts() == ["试点司法所", "0", "—", "—", "0"]
    assert "按时签收率 = " in page.locator("ol.definitions").inner_text()
    page.emulate_media(media="print")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0 and requests == []
    assert page.pdf(format="A4", prefer_css_page_size=True).startswith(b"%PDF")


# The rendered height of a cell's text (a Range over all of it: the td itself is as tall as its row)
# against one line of it (a Range over its first character), and how many line tops its boxes have.
LINES = """e => {
  const one = document.createRange(), all = document.createRange();
  one.setStart(e.firstChild, 0); one.setEnd(e.firstChild, 1); all.selectNodeContents(e);
  return {height: all.getBoundingClientRect().height, line: one.getBoundingClientRect().height,
          tops: new Set([...all.getClientRects()].map(x => Math.round(x.top))).size};
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_ledger_on_screen_keeps_names_on_one_line_and_scrolls_sideways(browser, reports, width):
    """21 columns squeezed into the page wrapped names one character per line; now short cells stay whole."""
    page, _ = _open(browser, reports["ledger"], width=width)
    cells = page.locator("table.ledger tbody td.c-title, table.ledger tbody td.c-village, "
                         "table.ledger tbody td.c-mediator:not(:empty), table.ledger tbody td.c-state, "
                         "table.ledger tbody td.c-category, table.ledger tbody td.c-reported")
    assert cells.count() >= 6 * 7 - 2
    for i in range(cells.count()):
        box = cells.nth(i).evaluate(LINES)
        assert box["tops"] == 1 and box["height"] < 2 * box["line"], (cells.nth(i).inner_text(), box)
    scroller = page.locator(".table-scroll:has(table.ledger)")
    assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    if width == 390:  # the table scrolls inside its box; the page itself does not grow sideways
        assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.close()
