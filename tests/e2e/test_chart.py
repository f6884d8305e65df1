"""The documentation's Vega-Lite chart (docs/how-to/timeline.vl.json), drawn from a served
instance as a reader's tool would draw it: the spec reads the service's URL itself, and the
picture has one bar per interval of the timeline it was answered.

With PACT_RECORD_EXAMPLES=1 the picture is written to docs/how-to/timeline.png, which the
page shows."""

import csv
import io
import json
import os
import re
import struct
import urllib.request
from pathlib import Path

import vl_convert

from tests.e2e.conftest import Serve

SPEC = Path(__file__).parents[2] / "docs" / "how-to" / "timeline.vl.json"
PICTURE = SPEC.with_suffix("").with_suffix(".png")
DOCUMENTED = "http://127.0.0.1:8000"


def size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_documented_chart_draws_the_timeline_the_service_answers(serve: Serve) -> None:
    server = serve("--workers", "1")
    spec = json.loads(SPEC.read_text())
    url = spec["data"]["url"]
    assert url.startswith(f"{DOCUMENTED}/") and "format=csv" in url
    spec["data"]["url"] = url.replace(DOCUMENTED, server.url)

    svg = vl_convert.vegalite_to_svg(spec)
    png = vl_convert.vegalite_to_png(spec, scale=2)

    path = url.removeprefix(DOCUMENTED).split("?")[0]
    server.wait_for_log(f'"path": "{path}"')  # the spec's data URL was asked of the service
    with urllib.request.urlopen(spec["data"]["url"]) as answer:
        intervals = list(csv.DictReader(io.StringIO(answer.read().decode())))
    assert len(intervals) > 5
    labels = re.findall(r'aria-label="([^"]*)"[^>]*aria-roledescription="bar"', svg)
    assert [re.search(r"ends_on: ([0-9-]+)", label).group(1) for label in labels] == [  # type: ignore[union-attr]
        interval["ends_on"] for interval in intervals
    ]  # each bar is an interval as the service answered it, in order
    width, height = size(png)
    assert width > 1000 and height > 150 and len(png) > 20_000
    if os.environ.get("PACT_RECORD_EXAMPLES") == "1":
        PICTURE.write_bytes(png)
