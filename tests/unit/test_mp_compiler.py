"""The mini program compiler without a browser: AXML expressions and directives as
Vue templates, error positions, ES modules as CommonJS, ACSS's rpx and @import,
app.json's tab bar names and unknown keys."""

from __future__ import annotations

import logging

import pytest

from miniprogram_mock.project import axml
from miniprogram_mock.project.acss import compile_acss, rpx_in_style
from miniprogram_mock.project.appjson import parse_app
from miniprogram_mock.project.compiler import Project
from miniprogram_mock.project.errors import CompileError
from miniprogram_mock.project.expressions import Scope, compile_expression
from miniprogram_mock.project.modules import wrap_module


def expr(src: str, scope: Scope | None = None) -> str:
    return compile_expression(src, scope or Scope(), ("f.axml", src, 0))


def test_expressions_read_data_safely_and_keep_locals_and_sjs():
    assert expr("order.amount") == "d.order?.amount"
    assert expr("list[i].done") == "d.list?.[d.i]?.done"
    assert expr("a ? 'x' : b + 1") == "(d.a ? 'x' : (d.b + 1))"
    assert expr("{a: 1, ...rest, b}") == "({ a: 1, ...d.rest, b: d.b })"
    assert expr("[1, x].length") == "[1, d.x]?.length"
    assert (
        expr("item.name + fmt.up(n)", Scope({"item": "L1_item"}, frozenset({"fmt"})))
        == "(L1_item?.name + s.fmt?.up?.(d.n))"
    )
    assert expr("a < b && c") == "((d.a < d.b) && d.c)"
    assert expr("'<\"}}&'") == "'\\x3c\\x22\\x7d\\x7d\\x26'"  # safe inside a Vue template


@pytest.mark.parametrize(
    ("src", "column", "message"),
    [
        ("a +", 4, "unexpected token, found the end"),
        ("a b", 3, "unexpected token after the expression"),
        ("'x", 1, "unterminated string"),
    ],
)
def test_expression_errors_point_at_the_column(src, column, message):
    with pytest.raises(CompileError) as exc:
        expr(src)
    assert exc.value.column == column and exc.value.message.startswith(message)


def test_axml_errors_name_file_line_column():
    with pytest.raises(CompileError) as exc:
        axml.parse("p.axml", "<view>\n  <text>\n</view>")
    assert str(exc.value) == "p.axml:3:1: </view> does not match <text> opened at 2:3"
    with pytest.raises(CompileError) as exc:
        axml.parse("p.axml", "<view a='1' a='2'/>")
    assert (exc.value.column, exc.value.message) == (13, "attribute a is given twice")
    nodes = axml.parse("p.axml", '<view onTap="x" class="{{ a > b ? "y" : "z" }}">{{ a < b }}</view>')
    assert nodes[0].attr("onTap").value == "x" and nodes[0].children[0].text == "{{ a < b }}"  # type: ignore[union-attr]


def test_es_modules_become_commonjs_on_the_same_lines():
    src = "import a, { b as c } from './x'\nexport const n = 1, m = 2;\nexport default function f() {}\nexport { c };\n"
    out = wrap_module("p.js", src)
    first, *rest = out.split("\n")
    assert first.startswith('__mp.define("p.js", function (require, module, exports) { "use strict";')
    assert 'Object.defineProperty(exports, "m", { enumerable: true, get: function () { return m; } });' in first
    assert "get: function () { return f; }" in first and "get: function () { return c; }" in first
    assert rest[:3] == ["const n = 1, m = 2;", "function f() {}", ""]
    assert "__mp.interopDefault(__mp_i1)" in first and 'c = __mp_i1["b"]' in first
    cjs = wrap_module("c.js", "const x = require('./y'); // import nothing\nmodule.exports = x;\n")
    assert "__esModule" not in cjs and "import nothing" in cjs


def test_acss_rpx_and_import():
    files = {
        "app.acss": '@import "./a.acss";\n.x { margin: 10rpx 2px; content: "10rpx"; }',
        "a.acss": ".a { width: 750rpx }",
    }

    def read(path, _from, _offset):
        return files[path]

    css = compile_acss("app.acss", read)
    assert ".a { width: calc(750 * var(--rpx)) }" in css
    assert "margin: calc(10 * var(--rpx)) 2px" in css and 'content: "10rpx"' in css
    assert rpx_in_style("height: 20rpx") == "height: calc(20 * var(--rpx))"


def test_app_json_tab_bar_old_names_and_unknown_keys(tmp_path, caplog):
    app = parse_app(
        '{"pages": ["p/a", "p/b"], "tabBar": {"color": "#111", "list": [{"pagePath": "p/b", "text": "B", "iconPath": "i.png", "selectedIconPath": "j.png"}]}, "plugins": {}}'
    )
    assert app.tab_bar == {
        "textColor": "#111",
        "selectedColor": None,
        "backgroundColor": None,
        "items": [{"pagePath": "p/b", "name": "B", "icon": "i.png", "activeIcon": "j.png"}],
    }
    assert app.ignored == ["plugins"]
    (tmp_path / "p").mkdir()
    (tmp_path / "app.json").write_text('{"pages": ["p/a"], "plugins": {}}')
    (tmp_path / "p/a.axml").write_text("<view>{{x}}</view>")
    (tmp_path / "p/a.js").write_text("Page({})")
    project = Project(tmp_path)
    with caplog.at_level(logging.WARNING, logger="tradepay_sim.miniprogram"):
        first = project.bundle()
        (tmp_path / "p/a.axml").write_text("<view>{{y}}</view>  ")
        second = project.bundle()
    assert first["pages"]["p/a"]["template"] == "<view>{{ d.x }}</view>"
    assert second["pages"]["p/a"]["template"].startswith("<view>{{ d.y }}</view>")  # compiled again
    assert caplog.text.count("'plugins' is not supported") == 1  # reported once
    assert project.bundle() is second  # cached while nothing changes
