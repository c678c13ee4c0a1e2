"""The TypeScript check has teeth: the page scripts pass against Alipay's declarations
(@mini-types/my) plus my-augment.d.ts, and misuse of the API does not.

One tsc process checks every project of the module (``tsc -b``, build mode): it parses
the declarations (the DOM's and the ES libraries', @mini-types/my) once for all of them,
where a process per project parsed them four times (the module took 14-16 CPU-s, now 8;
docs/performance.md). Each project's diagnostics are told apart by their file's folder."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TSC = HERE / "node_modules" / ".bin" / "tsc"

pytestmark = pytest.mark.skipif(not TSC.exists(), reason="run `make typecheck` (npm ci in tests/typecheck) first")

MISUSE = """
my.request({ url: 42 });
my.tradePay({ paymentUrl: 5 });
my.showToast({ type: "warning" });
my.navigateTo({});
"""
PAYMENT_URL = (
    'my.tradePay({ paymentUrl: "http://127.0.0.1:8300/cashier/t", success: function (r) { r.resultCode.trim(); } });\n'
)
# The projects of the one run: a page script each, with the real settings, with or
# without the augmentation. "pages" is the real project (tsconfig.json here) as it is.
PROJECTS = {"misuse": (MISUSE, True), "augmented": (PAYMENT_URL, True), "plain": (PAYMENT_URL, False)}
DIAGNOSTIC = re.compile(r"^(?P<file>[^\s(][^(]*)\(\d+,\d+\): error TS\d+:", re.MULTILINE)


def project(folder: Path, **settings) -> Path:
    folder.mkdir()
    config = {
        "extends": str(HERE / "tsconfig.json"),
        # typeRoots: the declarations are found from here, not from the temporary folder.
        "compilerOptions": {"typeRoots": [str(HERE / "node_modules")], **settings.pop("compilerOptions", {})},
        **settings,
    }
    (folder / "tsconfig.json").write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def diagnostics(tmp_path_factory) -> dict[str, str]:
    """Each project's diagnostics (tsc's lines for the files of its folder, with their
    continuation lines; "pages" gets every other line), from one ``tsc -b`` run."""
    root = tmp_path_factory.mktemp("typecheck")
    # The real project, unchanged: a config in a folder of its own extends it (its
    # files and includes stay relative to tests/typecheck) so that build mode's record
    # (tsconfig.tsbuildinfo) is written there, not in the checkout.
    folders = [project(root / "pages")]
    for name, (source, augment) in PROJECTS.items():
        folder = project(
            root / name,
            # skipLibCheck: the declarations themselves are checked by the "pages" project.
            compilerOptions={"skipLibCheck": True},
            files=[str(HERE / "my-augment.d.ts")] if augment else [],
            include=["page.js"],
        )
        (folder / "page.js").write_text("// @ts-check\n" + source)
        folders.append(folder)
    done = subprocess.run(
        [str(TSC), "-b", *(str(f) for f in folders)], cwd=root, capture_output=True, text=True, timeout=120
    )
    found: dict[str, list[str]] = {name: [] for name in ["pages", *PROJECTS]}
    owner = "pages"
    for line in done.stdout.splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            folder = Path(match["file"]).parts[0]
            owner = folder if folder in PROJECTS else "pages"
        elif not line.startswith(" "):
            owner = "pages"  # not a diagnostic's continuation: the run's own word
        if line.strip():
            found[owner].append(line)
    # Nothing tsc said is lost: a failure of its own (a bad option, a crash) is no
    # diagnostic of a file, so any exit but 0 with nothing found is the run's fault.
    assert done.returncode == 0 or any(found.values()), done.stdout + done.stderr
    return {name: "\n".join(lines) for name, lines in found.items()}


def test_the_page_scripts_pass(diagnostics):
    assert diagnostics["pages"] == ""


def test_misuse_of_the_api_fails(diagnostics):
    for line in ("misuse/page.js(3,", "misuse/page.js(4,", "misuse/page.js(5,", "misuse/page.js(6,"):
        assert line in diagnostics["misuse"], diagnostics["misuse"]


def test_payment_url_needs_the_augmentation(diagnostics):
    assert diagnostics["augmented"] == ""
    assert "paymentUrl" in diagnostics["plain"]
