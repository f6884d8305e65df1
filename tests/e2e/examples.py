"""The documentation's shell examples, read from its Markdown and run as a reader runs them.

An example is a ```` ```sh ```` block; what it prints is the fenced block right after it, if
any. The line before the block may say, in an HTML comment (invisible on the page):

- ``<!-- illustration: why -->``: not run (compose, benchmarks, another machine);
- ``<!-- varies: instant, event-id, ... -->``: what differs from run to run by nature, by
  the names in ``VARIES``; those places are put aside in both outputs, nothing else is;
- ``<!-- shows: headers -->``: the output shows some of the response's headers: the others
  are put aside (their order and values are the server's, e.g. ``Date``).

The examples of a page run in order in one shell, so one builds on another (a token made,
an agreement registered, a correction's ``known_at``), against a served instance whose
address stands in for ``localhost:8000``.
"""

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
SHOWN_ADDRESS = "localhost:8000"
_FENCE = re.compile(r"^(`{3,})(\S*)(?:\s.*)?$")
_DIRECTIVE = re.compile(r"^<!-- (illustration|varies|shows):?\s*(.*?)\s*-->$")
_END = "__example_done__"

# What differs from one run to the next by nature, by name.
VARIES: dict[str, re.Pattern[str]] = {
    "instant": re.compile(r"\d{4}-\d\d-\d\dT\d\d(:|%3A)\d\d(:|%3A)\d\d(\.\d{1,6})?(\+00:00|%2B00(:|%3A)00|Z)"),
    "event-id": re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
    # A request's id, and the correlation id an event gets from it when it sent none.
    "request-id": re.compile(r'(?<=X-Request-ID: )\S+|(?<="correlation_id": ")\w+|(?<="correlation_id":")\w+'),
    "token": re.compile(r"pact_[A-Za-z0-9_-]{20,}"),
    "position": re.compile(r"(?<=[a-z0-9-]\.)(\d+\.)[0-9a-f]{1,16}\b"),
    "etag": re.compile(r'"[0-9a-f]{16,64}"'),
    "cursor": re.compile(r"(?<![\w-])\d+-\d+(?![\w-])"),  # a feed cursor: transaction-position
}


@dataclass(frozen=True)
class Example:
    """One shell block of a page, and the output the page shows for it."""

    page: Path
    line: int
    command: str
    output: str | None
    output_lines: tuple[int, int] | None  # the shown output's lines, 0-based, end excluded
    illustration: str | None
    varies: tuple[str, ...]
    shows_headers: bool

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples(page: Path) -> list[Example]:
    """Every ```sh block of ``page``, in order."""
    lines = page.read_text().splitlines()
    found = []
    for start, end, info in _blocks(lines):
        if info != "sh":
            continue
        notes = dict(_notes(lines, start))
        shown = _output_after(lines, end)
        found.append(
            Example(
                page=page,
                line=start + 1,
                command="\n".join(lines[start + 1 : end]),
                output="\n".join(lines[shown[0] : shown[1]]) if shown else None,
                output_lines=shown,
                illustration=notes.get("illustration"),
                varies=tuple(name.strip() for name in notes.get("varies", "").split(",") if name.strip()),
                shows_headers=notes.get("shows") == "headers",
            )
        )
    return found


def unexplained_blocks(page: Path) -> list[str]:
    """The fenced blocks of ``page`` that are neither a shell example, nor what one prints,
    nor a directive of the site (``{toctree}``, ...), nor marked as an illustration."""
    lines = page.read_text().splitlines()
    outputs = {shown[0] - 1 for example in examples(page) if (shown := example.output_lines) is not None}
    return [
        f"{page.relative_to(ROOT)}:{start + 1}"
        for start, _, info in _blocks(lines)
        if info != "sh"
        and not info.startswith("{")
        and start not in outputs
        and "illustration" not in dict(_notes(lines, start))
    ]


def _blocks(lines: list[str]) -> Iterator[tuple[int, int, str]]:
    """(opening line, closing line, info string) of each fenced block."""
    opened: tuple[int, str, str] | None = None
    for number, line in enumerate(lines):
        fence = _FENCE.match(line)
        if fence is None:
            continue
        if opened is None:
            opened = (number, fence.group(1), fence.group(2))
        elif fence.group(1) == opened[1] and not fence.group(2):
            yield opened[0], number, opened[2]
            opened = None


def _notes(lines: list[str], start: int) -> Iterator[tuple[str, str]]:
    """The HTML comments on the lines right above line ``start``."""
    number = start - 1
    while number >= 0 and (note := _DIRECTIVE.match(lines[number].strip())):
        yield note.group(1), note.group(2)
        number -= 1


def _output_after(lines: list[str], end: int) -> tuple[int, int] | None:
    """The lines of the fenced block that follows line ``end`` with only blank lines
    between, unless it is another command."""
    number = end + 1
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number >= len(lines) or not (fence := _FENCE.match(lines[number])) or fence.group(2) not in ("", "json"):
        return None
    for closing in range(number + 1, len(lines)):
        if lines[closing] == fence.group(1):
            return number + 1, closing
    return None


class Shell:
    """One bash for a page's examples, so what one exports the next one sees. It works in
    ``folder``, where the checkout's Makefile, pyproject.toml and .venv are linked, so that
    the files examples write (an export, a generated client) land there and not in the
    checkout."""

    def __init__(self, address: str, environment: dict[str, str], folder: Path) -> None:
        self.address = address
        for name in ("Makefile", "pyproject.toml", ".venv"):
            (folder / name).symlink_to(ROOT / name)
        # Pages show what commands print on standard output; what they say on standard
        # error (which database a command uses, say) is kept for a failure's message.
        self.errors = folder / "stderr.log"
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(
                ["bash", "--noprofile", "--norc"],
                cwd=folder,
                env=environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )

    def run(self, command: str) -> str:
        """What ``command`` printed, with the served address shown as the page shows it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        command = command.replace(SHOWN_ADDRESS, self.address).replace("127.0.0.1:8000", self.address)
        self.process.stdin.write(f"{command}\necho; echo {_END}\n")
        self.process.stdin.flush()
        printed = []
        for line in self.process.stdout:
            if line.rstrip("\n") == _END:
                break
            printed.append(line)
        text = "".join(printed).removesuffix("\n").rstrip("\n")
        return text.replace(self.address, SHOWN_ADDRESS)

    def said(self) -> str:
        """The end of what the commands said on standard error."""
        return self.errors.read_text()[-2000:]

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def steady(text: str, varies: tuple[str, ...]) -> str:
    """``text`` with what the example says varies put aside, each in its named place."""
    for name in varies:
        text = VARIES[name].sub(f"<{name}>", text)
    return text


def as_shown(shown: str, printed: str, example: Example) -> str:
    """The run's output as the page shows outputs: for an example that shows some of the
    headers, only those."""
    return _headers_shown(shown, printed) if example.shows_headers else printed


def _headers_shown(shown: str, printed: str) -> str:
    """The run's output with only the header lines the page shows (by name), in its order."""
    head, _, body = printed.partition("\n\n")
    order = [_name(line) for line in shown.partition("\n\n")[0].splitlines()[1:]]
    status, *headers = head.replace("\r", "").splitlines()
    kept = sorted((line for line in headers if _name(line) in order), key=lambda line: order.index(_name(line)))
    return "\n".join([status, *kept]) + (f"\n\n{body}" if body else "")


def _name(header: str) -> str:
    return header.split(":", 1)[0].lower()


def record(page: Path, printed: dict[tuple[int, int], str]) -> None:
    """Write the runs' outputs into ``page`` in place of those it shows, by their lines
    (``Example.output_lines``): PACT_RECORD_EXAMPLES=1, when an answer is meant to change."""
    lines = page.read_text().splitlines()
    for (start, end), text in sorted(printed.items(), reverse=True):
        lines[start:end] = text.splitlines()
    page.write_text("\n".join(lines) + "\n")
