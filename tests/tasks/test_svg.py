"""The report's SVG charts on literal data: well-formed, escaped, bars to scale."""

import re
import xml.etree.ElementTree as ET
from datetime import date

from tasks.svg import bar_chart, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"


def test_ticks_are_round_and_reach_the_top():
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0.3) == [0, 0.1, 0.2, 0.3]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1, whole=True) == [0, 1] and nice_ticks(3, whole=True) == [0, 1, 2, 3]


def test_bars_are_to_scale_in_order_and_labels_escaped():
    svg = bar_chart(["Le Monde <Paris>", "A & B"], [30, 15], "Statements & more", colours=["#C44E52"],
                    xlabel="statements")
    root = ET.fromstring(svg)  # well-formed: names with markup characters are escaped
    bars = root.findall(f"{NS}rect")
    assert [b.get("fill") for b in bars] == ["#C44E52", "#C44E52"]
    assert float(bars[0].get("width")) == 2 * float(bars[1].get("width"))
    assert float(bars[0].get("y")) < float(bars[1].get("y"))  # the first label on top
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Le Monde <Paris>" in texts and "A & B" in texts and "Statements & more" in texts and "30" in texts


def test_lines_have_a_point_per_day_and_a_legend_per_series():
    days = [date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 27)]
    svg = line_chart(days, [("Gazette", [1, 4, 2]), ("Ledger", [0, 1, 0])], "Per week", ylabel="statements")
    root = ET.fromstring(svg)
    lines = root.findall(f"{NS}polyline")
    assert len(lines) == 2 and len(root.findall(f"{NS}circle")) == 6
    xs = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    assert xs[1] - xs[0] < xs[2] - xs[1]  # spaced by date: a week missing leaves a gap
    assert {"Gazette", "Ledger", "2025-10-27"} <= {t.text for t in root.iter(f"{NS}text")}
    assert not re.search(r"<script", svg)
