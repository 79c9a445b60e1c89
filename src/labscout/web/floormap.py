"""The floor map drawn as SVG on the server: desks at their positions, leadership gold, seated people named."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from labscout.team.seating import SeatingOut

ROLE_COLOURS = ("#3b6ea5", "#5a9e6f", "#8c6bb1", "#e07b39", "#4aa3a2", "#b5495b", "#7f7f7f")


def floor_map(seating: SeatingOut, *, width: int = 900) -> Markup:
    """Desks scaled into the picture; a desk's tooltip says who sits there and how far from leadership."""
    desks = seating.desks
    if not desks:
        return Markup('<p class="muted">This floor has no desks.</p>')
    xs, ys = [d.x for d in desks], [d.y for d in desks]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    pad, inner = 40.0, width - 80.0
    scale = inner / span
    height = int(pad * 2 + (max(ys) - min(ys)) * scale) + 1
    # Nearest desks on the floor, in picture units: desks are drawn a little smaller than that.
    # (a sample of 300 desks is plenty to see how tight the floor is)
    sample = desks[:300]
    gaps = [((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 * scale for i, a in enumerate(sample) for b in sample[i + 1:]]
    radius = max(6.0, min(22.0, (min(gaps) if gaps else 40.0) * 0.42))
    roles = sorted({d.role for d in desks if d.role})
    colour = {r: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, r in enumerate(roles)}
    parts = [f'<svg class="chart floor" id="floor-map" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="floor {escape(seating.floor)}">']
    for d in desks:
        cx, cy = pad + (d.x - min(xs)) * scale, pad + (max(ys) - d.y) * scale
        if d.leadership:
            fill, label, kind = "#c4a232", d.occupant or d.desk, "leadership"
        elif d.person:
            fill, label, kind = colour.get(d.role or "", ROLE_COLOURS[-1]), d.person, "seated"
        else:
            fill, label, kind = "#ffffff", "", "free"
        tip = f"{d.desk}: " + (f"{d.person} ({d.role})" if d.person else d.occupant or "free")
        if d.distance is not None and not d.leadership:
            tip += f", {d.distance:.1f} from leadership"
        parts.append(f'<g class="desk {kind}" data-desk="{escape(d.desk)}"><title>{escape(tip)}</title>'
                     f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{fill}" stroke="#555"/>'
                     f'<text x="{cx:.1f}" y="{cy + radius + 11:.1f}" text-anchor="middle" font-size="10">'
                     f'{escape(_short(label))}</text></g>')
    legend_y = 14
    for n, role in enumerate(roles):
        parts.append(f'<circle cx="{12 + n * 150}" cy="{legend_y - 4}" r="5" fill="{colour[role]}"/>'
                     f'<text x="{22 + n * 150}" y="{legend_y}" font-size="11">{escape(role[:20])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(name: str) -> str:
    """A label that fits under a desk: the first name and the surname's initial."""
    words = name.split()
    return name if len(name) <= 14 or len(words) < 2 else f"{words[0][:11]} {words[-1][0]}."
