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


@dataclass(frozen=True)
class ProjectMap:
    """What the map draws: the numbered projects and, where the guideline defines it, the area's outline."""

    points: list[MapPoint]
    outline: str  # SVG polygon points "x,y x,y ..."; empty when the guideline has no outline

    def __bool__(self) -> bool:
        return bool(self.points)


MAP_W, MAP_H, PAD = 600, 400, 30


def project_map(projects: list[PublicProject], outline: tuple[tuple[float, float], ...] = ()) -> ProjectMap:
    """Projects with coordinates, and the area outline, placed in a 600 x 400 box (equirectangular,
    north up, fitted to the outline and the points together)."""
    located = [p for p in projects if p.latitude is not None and p.longitude is not None]
    if not located:
        return ProjectMap([], "")
    spots = [(float(Decimal(p.latitude or 0)), float(Decimal(p.longitude or 0))) for p in located]
    every = spots + list(outline)
    lats, lons = [a for a, _ in every], [o for _, o in every]
    span_lat = max(max(lats) - min(lats), 0.002)
    span_lon = max(max(lons) - min(lons), 0.002)
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2
    scale = min((MAP_W - 2 * PAD) / span_lon, (MAP_H - 2 * PAD) / span_lat)

    def place(lat: float, lon: float) -> tuple[float, float]:
        return round(MAP_W / 2 + (lon - mid_lon) * scale, 1), round(MAP_H / 2 - (lat - mid_lat) * scale, 1)

    points = [MapPoint(i, *place(*spot), p) for i, (spot, p) in enumerate(zip(spots, located, strict=True), start=1)]
    return ProjectMap(points, " ".join(f"{x},{y}" for x, y in (place(a, o) for a, o in outline)))
