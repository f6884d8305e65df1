"""Measuring fairly on a noisy machine: every row compares two figures taken in the same
run, interleaved (A, B, A, B, ...), and reports the median of each."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

REPETITIONS = 3


@dataclass(frozen=True)
class Row:
    name: str
    a_label: str
    a: float
    b_label: str
    b: float
    unit: str
    goal: float
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        return self.a / self.b if self.b else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio >= self.goal if self.higher_is_better else self.ratio <= self.goal


def compare(
    name: str,
    a: tuple[str, Callable[[], float]],
    b: tuple[str, Callable[[], float]],
    unit: str,
    goal: float,
    higher_is_better: bool = True,
) -> Row:
    """Run A and B alternately REPETITIONS times each; the row holds their medians."""
    a_figures, b_figures = [], []
    for _ in range(REPETITIONS):
        a_figures.append(a[1]())
        b_figures.append(b[1]())
    return Row(
        name, a[0], statistics.median(a_figures), b[0], statistics.median(b_figures), unit, goal, higher_is_better
    )


def rate(count: int, action: Callable[[], None]) -> float:
    """How many times a second ``action`` runs, over ``count`` runs."""
    started = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - started)


def table(rows: list[Row], notes: list[str]) -> str:
    header = ("row", "A", "B", "A/B", "goal", "")
    lines = [header]
    for row in rows:
        goal = f"{'≥' if row.higher_is_better else '≤'} {row.goal:g}×"
        lines.append(
            (
                row.name,
                f"{row.a_label}: {row.a:,.1f} {row.unit}",
                f"{row.b_label}: {row.b:,.1f} {row.unit}",
                f"{row.ratio:.2f}×",
                goal,
                "met" if row.met else "NOT MET",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in lines]
    rendered.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(rendered + [""] + notes)
