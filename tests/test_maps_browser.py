"""Incident maps in a real headless Chromium with every network request refused.

Debian's ``chromium`` (``make browser``) driven by Playwright: no browser is
downloaded. Skipped, with the reason, only where chromium or Playwright is absent.
Screenshots are kept in tests/artifacts/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geoincident import maps

from test_maps import HOSTILE, SEVEN, TinyGazetteer, fixture_incidents, fixture_records, needs_assets

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is absent (`make browser` installs it)"),
    needs_assets,
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Visit:
    """One page opened with the network refused, and everything it tried or said."""

    def __init__(self, browser, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.requests: list[str] = []  # every URL the page asked for, besides itself
        self.refused: list[str] = []
        self.errors: list[str] = []  # console errors and uncaught exceptions
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_function("window.geoincidentReady !== undefined", timeout=30_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def _request(self, request) -> None:
        if request.url != self.url and not request.url.startswith("data:"):
            self.requests.append(request.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def click_at(self, *, lat: float, lon: float) -> None:
        """A real mouse click where the map draws ``lat``/``lon``."""
        x, y = self.js(
            """([lat, lon]) => {
                const m = window.geoincident.map, p = m.latLngToContainerPoint([lat, lon]);
                const r = m.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lat, lon],
        )
        self.page.mouse.click(x, y)

    def popup_text(self) -> str:
        """Text of the newest popup (a closed one fades out for a moment before it goes)."""
        newest = self.page.locator(".leaflet-popup-content").last
        newest.wait_for(timeout=5_000)
        return newest.inner_text()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.wait_for_timeout(400)  # let a popup's pan and fade finish: the picture is for people
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def fixture_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "fixture.html"
    return maps.save_map(fixture_incidents(), path, offline=True, gazetteer=TinyGazetteer(), title="Fixture",
                         records=fixture_records())


@pytest.fixture
def visit(browser, fixture_map) -> Iterator[Visit]:
    v = Visit(browser, fixture_map)
    yield v
    v.close()


def test_offline_map_loads_with_no_request_and_no_error(visit):
    assert visit.errors == []
    assert visit.refused == [] and visit.requests == []
    assert visit.dialogs == []
    counts = visit.js("""() => ({sites: window.geoincident.sites.getLayers().length,
                                 areas: window.geoincident.areas.getLayers().length,
                                 fullscreen: !!document.querySelector('.leaflet-control-zoom-fullscreen'),
                                 scale: !!document.querySelector('.leaflet-control-scale'),
                                 legend: document.querySelector('.gi-legend').innerText})""")
    assert counts["sites"] == 9 and counts["areas"] == 2
    assert counts["fullscreen"] and counts["scale"]
    assert "Battles" in counts["legend"] and "no killed figure" in counts["legend"]
    visit.screenshot("fixture_map.png")


def test_the_seven_attack_sites_are_drawn_where_they_are(visit):
    names = visit.js("""() => window.geoincident.sites.getLayers().map(l => {
        const p = l.feature.properties, ll = l.getLatLng();
        return [p.name, ll.lat, ll.lng];
    })""")
    drawn = {name: (lat, lon) for name, lat, lon in names}
    assert set(SEVEN) <= set(drawn)
    assert drawn["Quetta"] == pytest.approx((30.18414, 67.00141))  # lat, lon: not swapped


def test_a_click_opens_a_popup_with_figures_quotes_and_sources(visit):
    visit.click_at(lat=25.12163, lon=62.32541)  # Gwadar
    text = visit.popup_text()
    assert "Coordinated attacks across Balochistan" in text
    assert "At this site" in text and "Whole incident" in text
    assert "killed · militants" in text and "145" in text and "193" in text
    assert "Dawn says 17 security personnel were killed, Reuters says 15" in text  # the flag
    assert "five women and three children" in text and "Reuters" in text  # quote and outlet
    links = visit.js("() => [...document.querySelectorAll('.leaflet-popup-content a')].map(a => a.href)")
    assert links == ["https://www.dawn.com/news/1", "https://www.reuters.com/x"]
    visit.screenshot("fixture_popup.png")


def test_the_time_slider_moves_and_filters_incidents(visit):
    label = ".gi-slider-label"
    assert visit.page.inner_text(label).startswith("All dates: 4 incidents")
    visit.page.focus(".gi-slider input[type=range]")
    visit.page.keyboard.press("Home")  # first date: only the district clash of 2026-01-30
    assert visit.page.inner_text(label) == "Up to 2026-01-30: 1 incident"
    assert visit.js("() => window.geoincident.sites.getLayers().length") == 0
    assert visit.js("() => window.geoincident.areas.getLayers().length") == 1
    visit.page.keyboard.press("ArrowRight")
    assert visit.page.inner_text(label) == "Up to 2026-01-31: 2 incidents"
    assert visit.js("() => window.geoincident.sites.getLayers().length") == 7
    visit.page.check(".gi-only input")
    assert visit.page.inner_text(label) == "On 2026-01-31: 1 incident"
    visit.page.focus(".gi-slider input[type=range]")
    visit.page.keyboard.press("End")
    assert visit.js("() => window.geoincident.sites.getLayers().length") == 9
    assert visit.errors == []


def test_layer_control_switches_overlays(visit):
    visit.page.hover(".leaflet-control-layers")
    names = visit.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(n.strip().startswith("Incidents (9 sites)") for n in names)
    assert any(n.strip() == "Killed per district" for n in names)
    visit.page.locator(".leaflet-control-layers-overlays label", has_text="Killed per district").click()
    assert visit.js("() => window.geoincident.map.hasLayer("
                    "window.geoincident.overlays['Killed per district'])")
    statements = "Mentions: statements, press conferences (1)"
    assert any(n.strip() == statements for n in names)
    visit.page.locator(".leaflet-control-layers-overlays label", has_text=statements).click()
    assert visit.js(f"() => window.geoincident.map.hasLayer(window.geoincident.overlays[{statements!r}])")
    visit.page.locator(".leaflet-control-layers-overlays label", has_text="Incidents").click()
    assert not visit.js("() => window.geoincident.map.hasLayer(window.geoincident.sites)")
    assert visit.errors == []


def test_hostile_report_runs_no_script_and_the_map_still_works(visit):
    visit.js("""() => {
        const g = window.geoincident, layer = g.sites.getLayers().find(
            l => g.data.incidents[l.feature.properties.inc].id === 'inc-hostile');
        g.sites.openPopupOf(layer);
    }""")
    text = visit.popup_text()
    first = HOSTILE.splitlines()[0]
    assert first in text  # the title, with its </script><script>, shown as text
    assert "<img src=x onerror=alert(1)>" in text and "{{ 7*7 }}" in text and "`${alert(2)}`" in text
    assert "کوئٹہ میں فائرنگ" in text
    injected = visit.js("""() => ({
        pwned: window.__pwned === undefined ? null : window.__pwned,
        elements: document.querySelectorAll('.leaflet-popup-content img, .leaflet-popup-content script,'
            + ' .leaflet-popup-content svg, .gi-legend img, .gi-titlebox img').length,
        links: [...document.querySelectorAll('.leaflet-popup-content a')].map(a => a.href)})""")
    assert injected == {"pwned": None, "elements": 0, "links": []}  # javascript: URL is not a link
    assert visit.dialogs == [] and visit.requests == [] and visit.errors == []
    visit.screenshot("hostile_popup.png")
    visit.js("() => { window.geoincident.map.closePopup(); }")
    visit.js("() => { window.geoincident.map.setView([26.00122, 63.04849], 7, {animate: false}); }")
    visit.click_at(lat=26.00122, lon=63.04849)  # Turbat: the map still answers
    assert "Roadside bomb near Turbat" in visit.popup_text()


def test_the_notebook_display_draws_the_map_in_its_iframe(browser, tmp_path):
    m = maps.make_map(fixture_incidents(), gazetteer=TinyGazetteer(), offline=True)
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{m._repr_html_()}</body></html>", "utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:"))
               else r.abort())
    try:
        page.goto(path.resolve().as_uri())
        frame = page.frames[-1]
        frame.wait_for_function("window.geoincidentReady !== undefined", timeout=30_000)
        assert frame.evaluate("() => window.geoincident.sites.getLayers().length") == 9
        assert errors == []
    finally:
        page.close()


# --------------------------------------------------------------------------- through the pipeline


def _process(inputs):
    """The pipeline's result, or a skip while some of its modules are not written yet."""
    from geoincident.pipeline import process

    try:
        return process(inputs)
    except ModuleNotFoundError as err:
        if not (err.name or "").startswith("geoincident"):
            raise
        pytest.skip(f"the pipeline does not run end to end yet: {err.name} is missing")


def test_seeds_map_shows_the_attack_sites_popup_and_slider(browser, tmp_path):
    result = _process([ROOT / "seeds"])
    assert result.errors == []
    path = maps.save_map(result.incidents, tmp_path / "seeds.html", offline=True, records=result.records,
                         title="Balochistan, 31 January 2026")
    v = Visit(browser, path)
    try:
        assert v.errors == [] and v.requests == [] and v.dialogs == []
        sites = v.js("""() => window.geoincident.sites.getLayers().map(l => {
            const ll = l.getLatLng(); return [l.feature.properties.name, ll.lat, ll.lng]; })""")
        places = {name for name, _, _ in sites}
        assert len(places) >= 7, places
        v.screenshot("seeds_map.png")
        # the biggest circle (drawn first) opens a popup with figures and sources
        name, lat, lon = sites[0]
        v.click_at(lat=lat, lon=lon)
        text = v.popup_text()
        assert "Sources (" in text and ("killed" in text or "No casualty figures" in text)
        v.screenshot("seeds_popup.png")
        v.js("() => { window.geoincident.map.closePopup(); }")
        if v.js("() => window.geoincident.data.dates.length") > 1:
            before = v.page.inner_text(".gi-slider-label")
            v.page.focus(".gi-slider input[type=range]")
            v.page.keyboard.press("Home")
            assert v.page.inner_text(".gi-slider-label") != before
        assert v.errors == []
    finally:
        v.close()


def test_hostile_report_through_the_pipeline_runs_no_script(browser, tmp_path):
    result = _process([Path(__file__).parent / "cases" / "hostile_report.txt"])
    path = maps.save_map(result.incidents, tmp_path / "hostile.html", offline=True, records=result.records)
    v = Visit(browser, path)
    try:
        for layer in ("sites", "areas"):
            v.js(f"() => {{ const g = window.geoincident.{layer}; "
                 "g.getLayers().forEach(l => g.openPopupOf(l)); }")
        assert v.js("() => window.__pwned === undefined")
        assert v.dialogs == [] and v.requests == [] and v.errors == []
    finally:
        v.close()
