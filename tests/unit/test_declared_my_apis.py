"""static/miniprogram/my/declared.js lists what the installed @mini-types/my declares
(``make typecheck`` installs it; ``python docs/tools/declared_my_apis.py`` writes it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "docs" / "tools" / "declared_my_apis.py"
spec = importlib.util.spec_from_file_location("declared_my_apis", TOOL)
assert spec and spec.loader
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


@pytest.mark.skipif(not tool.PACKAGE.is_dir(), reason="@mini-types/my is not installed: make typecheck")
def test_the_list_of_declared_apis_is_current():
    assert tool.OUT.read_text(encoding="utf-8") == tool.render(), "run: python docs/tools/declared_my_apis.py"
    names = tool.declared()
    assert {"request", "tradePay", "getAuthCode", "showActionSheet", "getLocation"} <= set(names[""])
    assert "nsf" in names["ap"]
