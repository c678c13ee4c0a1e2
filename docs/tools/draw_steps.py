"""Draw the 20 steps (docs/steps.svg) from ``simulator/core/steps.py``, the one place they are
written down: ``python docs/tools/draw_steps.py``. A test checks the picture is current."""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from simulator.core.steps import LANES, STEPS

OUT = Path(__file__).resolve().parents[1] / "steps.svg"
WIDTH, TOP, ROW = 1000, 96, 30
TEXT_X, LANE0, LANE_GAP = 64, 436, 124
COLOURS = {
    "user": "#64748b",
    "mini program": "#2563eb",
    "merchant server": "#059669",
    "wallet server": "#d97706",
    "wallet app": "#7c3aed",
}
PHASES = ((1, 8, "order"), (9, 13, "cashier"), (14, 17, "pay"), (18, 20, "result"))
FONT = "Inter, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"


def lane_x(lane: str) -> int:
    return LANE0 + LANES.index(lane) * LANE_GAP


def row_y(step: int) -> int:
    return TOP + (step - 1) * ROW + ROW // 2


def draw() -> str:
    height = TOP + 20 * ROW + 64
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="{FONT}" font-size="13">',
        "<title>The 20 steps of a tradepay-sim journey</title>",
        "<defs>"
        + "".join(
            f'<marker id="head-{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
            for i, c in enumerate(COLOURS.values())
        )
        + "</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for n, (first, last, name) in enumerate(PHASES):
        y = TOP + (first - 1) * ROW
        h = (last - first + 1) * ROW
        out.append(
            f'<rect x="8" y="{y}" width="{WIDTH - 16}" height="{h}" rx="6" fill="{"#f8fafc" if n % 2 else "#f1f5f9"}"/>'
        )
        out.append(
            f'<text x="22" y="{y + h / 2}" transform="rotate(-90 22 {y + h / 2})" text-anchor="middle" '
            f'font-size="10" letter-spacing="1.5" fill="#94a3b8">{name.upper()}</text>'
        )
    for lane in LANES:
        x, colour = lane_x(lane), COLOURS[lane]
        out.append(
            f'<line x1="{x}" y1="{TOP - 8}" x2="{x}" y2="{TOP + 20 * ROW + 8}" stroke="#cbd5e1" '
            'stroke-dasharray="4 4"/>'
        )
        out.append(f'<rect x="{x - 58}" y="{TOP - 52}" width="116" height="34" rx="8" fill="{colour}"/>')
        out.append(
            f'<text x="{x}" y="{TOP - 30}" text-anchor="middle" fill="#ffffff" font-weight="600">'
            f"{escape(lane.capitalize())}</text>"
        )
    out.append(f'<text x="{TEXT_X - 24}" y="{TOP - 30}" font-weight="600" fill="#0f172a">step</text>')
    for number, step in STEPS.items():
        y, colour = row_y(number), COLOURS[step.actor]
        marker = f"url(#head-{list(COLOURS).index(step.actor)})"
        out.append(f'<circle cx="{TEXT_X - 12}" cy="{y}" r="10" fill="{colour}"/>')
        out.append(
            f'<text x="{TEXT_X - 12}" y="{y + 4}" text-anchor="middle" font-size="11" font-weight="700" '
            f'fill="#ffffff">{number}</text>'
        )
        out.append(f'<text x="{TEXT_X + 6}" y="{y + 4.5}" fill="#0f172a">{escape(step.title)}</text>')
        x1, x2 = lane_x(step.source), lane_x(step.target)
        if x1 == x2:  # the party works on its own: a loop back to its lifeline
            out.append(
                f'<path d="M{x1},{y - 7} h26 v14 h-24" fill="none" stroke="{colour}" stroke-width="2" '
                f'marker-end="{marker}"/>'
            )
        else:
            out.append(
                f'<line x1="{x1}" y1="{y}" x2="{x2 - 4 if x2 > x1 else x2 + 4}" y2="{y}" stroke="{colour}" '
                f'stroke-width="2" marker-end="{marker}"/>'
            )
        out.append(f'<circle cx="{x1}" cy="{y}" r="3.5" fill="{colour}"/>')
    foot = TOP + 20 * ROW + 34
    for i, line in enumerate(
        (
            "Steps 18 and 19 both follow the debit (17) and run side by side: the notification "
            "often arrives before the mini program hears back.",
            "Step 20 shows what the merchant server says, never the client's resultCode alone.",
        )
    ):
        out.append(f'<text x="{TEXT_X - 24}" y="{foot + 18 * i}" font-size="12" fill="#475569">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    OUT.write_text(draw())
    print(f"wrote {OUT}")
