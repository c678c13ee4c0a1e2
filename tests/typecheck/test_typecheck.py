"""The TypeScript check has teeth: the page scripts pass against Alipay's declarations
(@mini-types/my) plus my-augment.d.ts, and misuse of the API does not."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TSC = HERE / "node_modules" / ".bin" / "tsc"

pytestmark = pytest.mark.skipif(not TSC.exists(), reason="run `make typecheck` (npm ci in tests/typecheck) first")


def tsc(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(TSC), "-p", str(project)], capture_output=True, text=True, timeout=120)


def project_for(tmp_path: Path, source: str, augment: bool = True) -> Path:
    """A project with the real settings, checking one page script."""
    (tmp_path / "page.js").write_text("// @ts-check\n" + source)
    config = {
        "extends": str(HERE / "tsconfig.json"),
        # skipLibCheck: the declarations themselves are checked by test_the_page_scripts_pass.
        "compilerOptions": {"typeRoots": [str(HERE / "node_modules")], "skipLibCheck": True},
        "files": [str(HERE / "my-augment.d.ts")] if augment else [],
        "include": ["page.js"],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    return tmp_path / "tsconfig.json"


def test_the_page_scripts_pass():
    result = tsc(HERE / "tsconfig.json")
    assert result.returncode == 0, result.stdout


def test_misuse_of_the_api_fails(tmp_path):
    result = tsc(
        project_for(
            tmp_path,
            """
my.request({ url: 42 });
my.tradePay({ paymentUrl: 5 });
my.showToast({ type: "warning" });
my.navigateTo({});
""",
        )
    )
    assert result.returncode != 0
    for line in ("page.js(3,", "page.js(4,", "page.js(5,", "page.js(6,"):
        assert line in result.stdout, result.stdout


def test_payment_url_needs_the_augmentation(tmp_path):
    source = 'my.tradePay({ paymentUrl: "http://127.0.0.1:8300/cashier/t", success: function (r) { r.resultCode.trim(); } });\n'
    assert tsc(project_for(tmp_path, source)).returncode == 0
    without = tsc(project_for(tmp_path, source, augment=False))
    assert without.returncode != 0 and "paymentUrl" in without.stdout
