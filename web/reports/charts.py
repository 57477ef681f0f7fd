"""Bar charts drawn on the server as SVG: shapes with fill attributes, no script and no
style attribute (the CSP forbids both), a <title> on each bar for its figure.

The geometry is computed here, in a viewBox of fixed size that scales to the page, and
handed to the templates as ready strings ("12.5"), so no template filter localises a
coordinate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Colours of a series, in order; status colours have names of their own.
PALETTE = (
    "#0b6e4f",
    "#e0a526",
    "#3a7dc1",
    "#c0504d",
    "#8064a2",
    "#4bacc6",
    "#f79646",
    "#7f8c8d",
    "#9bbb59",
    "#2c4d75",
    "#d16ba5",
    "#5a3e1b",
)
GOOD, LATE, PARTIAL, BAD, NONE = "#0b6e4f", "#7fbf9f", "#e0a526", "#c0504d", "#c5ccd6"


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: list[Rect]
    labels: list[Label]
    legend: list[tuple[str, str]]  # (colour, name)
    description: str  # aria-label

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Segment:
    name: str
    value: Decimal
    fill: str
    title: str


@dataclass(frozen=True)
class Column:
    label: str
    segments: list[Segment]
    note: str = ""  # written above the bar (its total, say)

    @property
    def height(self) -> Decimal:
        return sum((segment.value for segment in self.segments if segment.value > 0), Decimal(0))


def columns_chart(
    columns: list[Column], *, description: str, legend: list[tuple[str, str]], height: int = 160
) -> Chart:
    """Vertical bars, one per column, each stacked from its segments (negative ones are
    left out: a bar shows what adds up), on one scale: the highest column. Room is kept
    above for the columns' notes and below for their labels."""
    width, above, below = 600, 16, 20
    base, room = height - below, height - below - above
    top = max((column.height for column in columns), default=Decimal(0)) or Decimal(1)
    slot = width / max(len(columns), 1)
    bar = min(slot * 0.7, 80)
    rects, labels = [], []
    for n, column in enumerate(columns):
        x, y = n * slot + (slot - bar) / 2, float(base)
        for segment in column.segments:
            if segment.value <= 0:
                continue
            size = float(segment.value / top) * room
            y -= size
            rects.append(Rect(_n(x), _n(y), _n(bar), _n(size), segment.fill, segment.title))
        middle = _n(x + bar / 2)
        labels.append(Label(middle, _n(base + below - 6), column.label))
        if column.note:
            labels.append(Label(middle, _n(y - 4), column.note))
    return Chart(width, height, rects, labels, legend, description)


@dataclass(frozen=True)
class Share:
    label: str
    segments: list[Segment]  # counts


def shares_chart(rows: list[Share], *, description: str, legend: list[tuple[str, str]]) -> Chart:
    """One horizontal bar per row, split into its segments' shares of the row's total
    (100% wide whatever the total), the row's label to the left."""
    row_height, gap, label_width, width = 18, 8, 150, 600
    bar_width = width - label_width
    rects, labels = [], []
    for n, row in enumerate(rows):
        y = n * (row_height + gap)
        total = sum((segment.value for segment in row.segments), Decimal(0))
        labels.append(Label("0", _n(y + row_height - 5), row.label, anchor="start"))
        x = float(label_width)
        for segment in row.segments:
            if total <= 0 or segment.value <= 0:
                continue
            size = float(segment.value / total) * bar_width
            rects.append(Rect(_n(x), _n(y), _n(size), str(row_height), segment.fill, segment.title))
            x += size
    height = max(len(rows) * (row_height + gap) - gap, row_height)
    return Chart(width, height, rects, labels, legend, description)
