"""CITATION.cff: the software's citation, in the Citation File Format, for this release."""

from importlib.metadata import version

import yaml

from tests.project import ROOT


def test_the_citation_file_names_this_release_and_what_the_format_requires() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())

    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type"} <= set(citation)
    assert all("name" in author or "family-names" in author for author in citation["authors"])
    assert citation["version"] == version("pact-chronology")
