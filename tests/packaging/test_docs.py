"""The docs as shipped: the picture of the 20 steps is the one ``simulator/core/steps.py``
draws today, and every relative link in the README and docs/ leads to a file."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")


def anchors(page: Path) -> set[str]:
    """GitHub's ids of a page's headings."""
    return {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    }


def test_the_steps_picture_is_current():
    spec = importlib.util.spec_from_file_location("draw_steps", ROOT / "docs" / "tools" / "draw_steps.py")
    draw_steps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_steps)
    drawn = draw_steps.draw()
    assert (ROOT / "docs" / "steps.svg").read_text() == drawn, "run python docs/tools/draw_steps.py"
    for number in range(1, 21):
        assert f">{number}</text>" in drawn
    assert "svg" in (ROOT / "README.md").read_text().split("## The 20 steps", 1)[1].split("|", 1)[0]


def test_relative_links_and_anchors_lead_somewhere():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    checked = 0
    for page in pages:
        for target, anchor in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            linked = page.parent / target if target else page
            assert linked.exists(), f"{page.relative_to(ROOT)} links to a missing {target}"
            if anchor:
                assert anchor in anchors(linked), f"{page.relative_to(ROOT)} links to a missing #{anchor} of {target}"
            checked += 1
    assert checked >= 10
