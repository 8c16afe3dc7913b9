"""Static SVG drawings for the public pages: the budget bar and the map of project locations (no JS, no tiles)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fondsengine.public.fund import BudgetFigures
from fondsengine.public.projects import PublicProject

BAR_WIDTH = 600


@dataclass(frozen=True)
class Segment:
    """One part of the budget bar."""

    key: str
    label: str
    cents: int
    x: float
    width: float


def budget_bar(b: BudgetFigures) -> list[Segment]:
    """The year's pot as one bar: paid, committed but not yet paid, free (widths in a 600-wide box)."""
    parts = [
        ("paid", "ausgezahlt", max(b.paid, 0)),
        ("outstanding", "bewilligt, noch nicht ausgezahlt", max(b.outstanding, 0)),
        ("free", "noch frei", max(b.free, 0)),
    ]
    total = sum(c for _, _, c in parts) or 1
    out, x = [], 0.0
    for key, label, cents in parts:
        width = BAR_WIDTH * cents / total
        out.append(Segment(key, label, cents, round(x, 1), round(width, 1)))
        x += width
    return out


@dataclass(frozen=True)
class MapPoint:
    """A project drawn on the map: number, position in the box, and the project."""

    number: int
    x: float
    y: float
    project: PublicProject


MAP_W, MAP_H, PAD = 600, 400, 30


def map_points(projects: list[PublicProject]) -> list[MapPoint]:
    """Projects with coordinates placed in a 600 x 400 box (equirectangular, fitted to their extent)."""
    located = [p for p in projects if p.latitude is not None and p.longitude is not None]
    if not located:
        return []
    lats = [Decimal(p.latitude or 0) for p in located]
    lons = [Decimal(p.longitude or 0) for p in located]
    span_lat = max(max(lats) - min(lats), Decimal("0.002"))
    span_lon = max(max(lons) - min(lons), Decimal("0.002"))
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    scale = min((MAP_W - 2 * PAD) / float(span_lon), (MAP_H - 2 * PAD) / float(span_lat))
    out = []
    for i, p in enumerate(located, start=1):
        x = MAP_W / 2 + float(Decimal(p.longitude or 0) - mid_lon) * scale
        y = MAP_H / 2 - float(Decimal(p.latitude or 0) - mid_lat) * scale
        out.append(MapPoint(i, round(x, 1), round(y, 1), p))
    return out
