"""`pact-chronology export --table …`: the research tables written from the command line,
as the very routes the API serves them answer (GET /datasets/events, /datasets/timelines,
/datasets/dyads), in-process: a file exported and a table downloaded cannot differ.

CSV is written as the API writes it, with one header row however many pages the table
takes; NDJSON is each row as the JSON answer gives it, one a line.
"""

import csv
import io
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO
from urllib.parse import urlencode

import click
from flask.testing import FlaskClient
from tqdm import tqdm

from service.api.datasets import MAX_ROWS
from service.http.encoding import line as json_line

# Each table: the route that answers it, what it pins, and the list its rows are in.
TABLES: dict[str, tuple[str, dict[str, str], str]] = {
    "events": ("/datasets/events", {}, "events"),
    "timelines": ("/datasets/timelines", {}, "intervals"),
    "dyads": ("/datasets/dyads", {}, "dyads"),
    "dyad-years": ("/datasets/dyads", {"granularity": "year"}, "dyads"),
}


def write(
    client: FlaskClient, table: str, as_csv: bool, known_at: str | None, agreements: Sequence[str], out: TextIO
) -> None:
    """Every row of ``table`` (of each of ``agreements``, or of all) to ``out``, with a
    progress bar of rows on standard error."""
    with tqdm(unit="row", disable=None, file=sys.stderr) as bar:
        header_written = False
        for page in _pages(client, table, as_csv, known_at, agreements):
            if as_csv:
                header, _, rows = page.partition("\r\n")
                if not header_written:
                    out.write(f"{header}\r\n")
                    header_written = True
                out.write(rows)
                bar.update(sum(1 for _ in csv.reader(io.StringIO(rows, newline=""))))
            else:
                found = _rows(page, table)
                out.writelines(f"{json_line(row)}\n" for row in found)
                bar.update(len(found))


def _pages(
    client: FlaskClient, table: str, as_csv: bool, known_at: str | None, agreements: Sequence[str]
) -> Iterator[Any]:
    """Each page of the table's answer, following its Link to the next."""
    path, pinned, _ = TABLES[table]
    concerned: list[str | None] = [*agreements] or [None]
    for agreement in concerned:
        asked = {**pinned, "agreement": agreement, "known_at": known_at, "limit": MAX_ROWS}
        url: str | None = f"{path}?{urlencode({k: v for k, v in asked.items() if v is not None})}"
        while url:
            response = client.get(url, headers={"Accept": "text/csv" if as_csv else "application/json"})
            if response.status_code != 200:
                problem = response.get_json(force=True)
                raise click.ClickException(f"{problem['title']}: {problem['detail']}")
            yield response.get_data(as_text=True) if as_csv else response.get_json()
            url = _next(response.headers.get("Link", ""))


def _rows(page: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page[TABLES[table][2]]
    return rows


def _next(link: str) -> str | None:
    """The URL of the next page a Link header names, if any."""
    for part in link.split(", "):
        if part.endswith('rel="next"'):
            return part.split(";")[0].strip("<>")
    return None
