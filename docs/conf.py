"""The documentation site: Markdown pages (MyST) built by Sphinx in Furo's theme.

The reference pages that list what the code defines -- event types, problem types, the
command line, the settings, the HTTP API -- are written by the extensions in ``_ext/`` from
the code itself at build time, so nothing there is typed twice.
"""

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE / "_ext"), str(HERE.parent)]

project = "pact-chronology"
author = "the pact-chronology authors"
copyright = "the pact-chronology authors"

extensions = ["myst_parser", "sphinx_click", "reference"]
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence", "attrs_inline"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]

html_theme = "furo"
html_title = "pact-chronology"
