"""Small SVG charts drawn on the server: bars, a flow diagram between organisations, a co-author network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

PALETTE = ("#3b6ea5", "#e07b39", "#5a9e6f", "#b5495b", "#8c6bb1", "#c4a232", "#4aa3a2", "#7f7f7f")


def bars(items: Sequence[tuple[str, float]], *, width: int = 520, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return Markup('<p class="muted">Nothing yet.</p>')
    top = max(v for _, v in items) or 1.0
    row, label_w = 26, 170
    parts = [f'<svg class="chart" viewBox="0 0 {width} {row * len(items) + 4}" role="img">']
    for n, (label, value) in enumerate(items):
        w = (width - label_w - 70) * value / top
        y = n * row + 2
        parts.append(f'<text x="0" y="{y + 17}">{escape(label[:28])}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{PALETTE[0]}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{value:,.0f}{unit}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress(label: str, done: float, total: float, *, width: int = 520) -> Markup:
    share = 0.0 if not total else min(1.0, done / total)
    return Markup(f'<svg class="chart" viewBox="0 0 {width} 28" role="img"><text x="0" y="18">{escape(label)}</text>'
                  f'<rect x="170" y="6" width="{width - 240}" height="16" fill="#e6e6e6"/>'
                  f'<rect x="170" y="6" width="{(width - 240) * share:.1f}" height="16" fill="{PALETTE[2]}"/>'
                  f'<text x="{width - 62}" y="18">{done:,.0f}/{total:,.0f}</text></svg>')


def flows(items: Sequence[tuple[str, str, int]], *, width: int = 760) -> Markup:
    """A two-column flow diagram: organisations left, organisations right, bands as wide as the people moving."""
    if not items:
        return Markup('<p class="muted">No flows with these filters.</p>')
    sources = sorted({s for s, _, _ in items}, key=lambda s: -sum(n for a, _, n in items if a == s))
    targets = sorted({t for _, t, _ in items}, key=lambda t: -sum(n for _, b, n in items if b == t))
    total = sum(n for _, _, n in items)
    height = max(240, 18 * max(len(sources), len(targets)) + 40)
    scale = (height - 20 - 4 * max(len(sources), len(targets))) / total
    left, right = _stack(sources, items, 0, scale), _stack(targets, items, 1, scale)
    out = [f'<svg class="chart flows" viewBox="0 0 {width} {height}" role="img">']
    used_l: dict[str, float] = dict.fromkeys(sources, 0.0)
    used_r: dict[str, float] = dict.fromkeys(targets, 0.0)
    x0, x1 = 200, width - 200
    for n, (s, t, people) in enumerate(sorted(items, key=lambda i: -i[2])):
        h = people * scale
        y0 = left[s][0] + used_l[s]
        y1 = right[t][0] + used_r[t]
        used_l[s] += h
        used_r[t] += h
        mid = (x0 + x1) / 2
        out.append(f'<path d="M{x0},{y0 + h / 2:.1f} C{mid},{y0 + h / 2:.1f} {mid},{y1 + h / 2:.1f} {x1},'
                   f'{y1 + h / 2:.1f}" stroke="{PALETTE[n % len(PALETTE)]}" stroke-width="{max(h, 1):.1f}" '
                   f'fill="none" opacity="0.55"><title>{escape(s)} to {escape(t)}: {people}</title></path>')
    for name, (y, h) in left.items():
        out.append(f'<rect x="{x0 - 8}" y="{y:.1f}" width="8" height="{h:.1f}" fill="#333"/>'
                   f'<text x="{x0 - 12}" y="{y + h / 2 + 4:.1f}" text-anchor="end">{escape(name[:30])}</text>')
    for name, (y, h) in right.items():
        out.append(f'<rect x="{x1}" y="{y:.1f}" width="8" height="{h:.1f}" fill="#333"/>'
                   f'<text x="{x1 + 12}" y="{y + h / 2 + 4:.1f}">{escape(name[:30])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _stack(names: list[str], items: Sequence[tuple[str, str, int]], side: int,
           scale: float) -> dict[str, tuple[float, float]]:
    placed: dict[str, tuple[float, float]] = {}
    y = 10.0
    for name in names:
        h = sum(n for a, b, n in items if (a, b)[side] == name) * scale
        placed[name] = (y, h)
        y += h + 4
    return placed


def network(center: str, nodes: Sequence[tuple[str, str, float]], edges: Sequence[tuple[str, str]], *,
            size: int = 560) -> Markup:
    """The person in the middle, co-authors on a ring sized by joint work, edges among them."""
    if not nodes:
        return Markup('<p class="muted">No co-authors in the record.</p>')
    cx = cy = size / 2
    pos = {center: (cx, cy)}
    for n, (node, _, _) in enumerate(nodes):
        angle = 2 * math.pi * n / len(nodes)
        pos[node] = (cx + (size / 2 - 90) * math.cos(angle), cy + (size / 2 - 60) * math.sin(angle))
    out = [f'<svg class="chart network" viewBox="0 0 {size} {size}" role="img">']
    top = max(w for _, _, w in nodes) or 1.0
    for node, _, weight in nodes:
        x, y = pos[node]
        # The line to the person in the middle is as thick as their joint work.
        out.append(f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}" stroke="#9db4cf" '
                   f'stroke-width="{1 + 4 * weight / top:.1f}"/>')
    for a, b in edges:
        if a in pos and b in pos:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            out.append(f'<line x1="{x0:.0f}" y1="{y0:.0f}" x2="{x1:.0f}" y2="{y1:.0f}" stroke="#bbb"/>')
    for node, name, weight in nodes:
        x, y = pos[node]
        r = 4 + 8 * math.sqrt(weight / top)
        out.append(f'<a href="/people/{escape(node)}"><circle cx="{x:.0f}" cy="{y:.0f}" r="{r:.1f}" '
                   f'fill="{PALETTE[0]}"/><text x="{x:.0f}" y="{y - r - 3:.0f}" text-anchor="middle">'
                   f'{escape(name[:22])}</text></a>')
    out.append(f'<circle cx="{cx}" cy="{cy}" r="14" fill="{PALETTE[1]}"/></svg>')
    return Markup("".join(out))
