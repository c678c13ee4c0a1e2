"""A real mini program project (app.json, AXML, ACSS, Page()) run by the simulator in
headless Chromium: AXML's bindings and directives, events and their event object, the
basic components, forms, templates, SJS, custom components, modules, ACSS and runtime
errors. The fixture project is tests/browser/projects/features; one simulator serves
this module (the pages keep their state in the browser only)."""

from __future__ import annotations

import json

import pytest_asyncio
from mp_project import PROJECTS, open_page, style, text
from my_harness import POLL_MS

from simulator.testing.sim import running_sim

FEATURES = PROJECTS / "features"


@pytest_asyncio.fixture(scope="module")
async def mp_sim(tmp_path_factory, keys_template):
    data = tmp_path_factory.mktemp("mp-runtime")
    async with running_sim(data, keys_from=keys_template, miniprogram_dir=FEATURES, apps=("miniprogram",)) as sim:
        yield sim


# ---- bindings and directives ----------------------------------------------------------


async def test_expressions_in_text_and_attributes(mp_sim, page):
    await open_page(page, mp_sim, "pages/directives/directives")
    assert await text(page, "expr-arith") == "8|10|1|-2"
    assert await text(page, "expr-compare") == "true|false|true|true"
    assert await text(page, "expr-logic") == "3|fallback|false|nullish"
    assert await text(page, "expr-ternary") == "yes|mid"
    assert await text(page, "expr-concat") == "Hello, Ann! Ann2"
    # a path into data that is not there renders empty, it does not throw
    assert await text(page, "expr-members") == "Bo|Oslo|two|3||t0"
    assert await text(page, "expr-literals") == "3|3|3"
    attr = page.get_by_test_id("expr-attr")
    assert await attr.get_attribute("class") == "c-2 on"
    assert await attr.get_attribute("data-n") == "3"
    assert await style(page, "expr-attr", "width") == "20px"
    assert await page.get_by_test_id("expr-concat").get_attribute("title") == "name: Ann!"


async def test_if_elif_else_and_hidden(mp_sim, page):
    await open_page(page, mp_sim, "pages/directives/directives")
    assert await page.get_by_test_id("if-a").count() == 1
    assert await page.get_by_test_id("if-b").count() == 0 and await page.get_by_test_id("if-else").count() == 0
    await page.get_by_test_id("set-paths").click()  # mode: "b"
    await page.get_by_test_id("if-b").wait_for()
    assert await page.get_by_test_id("if-a").count() == 0
    await page.get_by_test_id("toggle").click()  # mode: "c", flag false
    await page.get_by_test_id("if-else").wait_for()
    assert await page.get_by_test_id("hidden").is_hidden()  # hidden= keeps the node, hides it
    assert await page.get_by_test_id("hidden").count() == 1
    assert await page.get_by_test_id("block-if").count() == 0


async def test_for_with_item_index_key_nesting_and_block(mp_sim, page):
    await open_page(page, mp_sim, "pages/directives/directives")
    assert await page.get_by_test_id("for-default").all_text_contents() == ["0-one", "1-two", "2-three"]
    assert await page.get_by_test_id("for-inner").all_text_contents() == ["0.0=x(g0);", "0.1=y(g0);", "1.0=z(g1);"]
    assert await page.get_by_test_id("block-item").all_text_contents() == ["[one]", "[two]", "[three]"]
    # a:for with a:if on one element: the condition is asked for each item
    assert await page.get_by_test_id("for-if").all_text_contents() == ["one", "three"]
    # a:key keeps each row's element across a splice
    await page.get_by_test_id("for-default").nth(2).evaluate("e => e.__kept = 1")
    await page.get_by_test_id("splice").click()
    await page.get_by_test_id("for-default").nth(3).wait_for()
    assert await page.get_by_test_id("for-default").all_text_contents() == ["0-one", "1-nine", "2-eight", "3-three"]
    assert await page.get_by_test_id("for-default").nth(3).evaluate("e => e.__kept") == 1


async def test_set_data_paths_and_callback_after_render(mp_sim, page):
    await open_page(page, mp_sim, "pages/directives/directives")
    await page.get_by_test_id("set-paths").click()
    await page.get_by_test_id("after").filter(has_text="callback").wait_for()
    assert await text(page, "after") == "callback saw TWO/new"
    assert (await text(page, "expr-members")).startswith("Cy|Oslo|TWO|3")
    data = await page.evaluate("getCurrentPages()[0].data")
    assert data["fresh"] == {"field": {"deep": "new"}} and data["list"][1] == {"id": 2, "title": "TWO"}


# ---- events ---------------------------------------------------------------------------


async def test_tap_bubbles_until_catch_with_the_platform_event_object(mp_sim, page):
    await open_page(page, mp_sim, "pages/events/events")
    await page.get_by_test_id("inner").click()
    await page.get_by_test_id("log").filter(has_text="middle;").wait_for()
    assert await text(page, "log") == "inner;middle;"  # catchTap stops it before outer
    event = json.loads(await text(page, "last"))  # middle's handler: bound on middle, tapped inner
    assert event["type"] == "tap" and isinstance(event["timeStamp"], int)
    assert event["currentTarget"] == {
        "id": "middle",
        "tagName": "view",
        "dataset": {"testid": "middle", "level": "middle"},
    }
    assert event["target"]["id"] == "inner" and event["target"]["dataset"]["level"] == "middle"
    assert event["target"]["targetDataset"] == {"testid": "inner", "level": "inner", "count": 3, "obj": {"k": "v"}}
    await page.get_by_test_id("side").click()
    await page.get_by_test_id("log").filter(has_text="outer;").wait_for()
    outer = json.loads(await text(page, "last"))
    assert outer["currentTarget"]["id"] == "outer" and outer["target"]["targetDataset"]["goodsId"] == "g-1"


async def test_long_tap(mp_sim, page):
    await open_page(page, mp_sim, "pages/events/events")
    box = await page.get_by_test_id("long").bounding_box()
    await page.mouse.move(box["x"] + 5, box["y"] + 5)
    await page.mouse.down()
    await page.get_by_test_id("log").filter(has_text="long:longTap;").wait_for()
    await page.mouse.up()


async def test_input_confirm_focus_blur_details(mp_sim, page):
    await open_page(page, mp_sim, "pages/events/events")
    field = page.get_by_test_id("field")
    assert await field.input_value() == "start"
    await field.click()
    await field.fill("tea")
    await field.press("Enter")
    await page.get_by_test_id("area").click()
    await page.get_by_test_id("log").filter(has_text="blur:").wait_for()
    log = await text(page, "log")
    assert log.startswith("focus:start;") and "input:tea;" in log and "confirm:tea;blur:tea;" in log
    await page.get_by_test_id("area").fill("x")
    await page.get_by_test_id("log").filter(has_text="input:x;").wait_for()
    event = json.loads(await text(page, "last"))
    assert event["type"] == "input" and event["detail"] == {"value": "x", "cursor": 1}


# ---- components -----------------------------------------------------------------------


async def test_image_modes_and_load_event(mp_sim, page):
    await open_page(page, mp_sim, "pages/components/components")
    await page.get_by_test_id("out").filter(has_text="load 40x20").wait_for()
    fit = page.get_by_test_id("img-fit").locator("img")
    assert await fit.evaluate("e => getComputedStyle(e).objectFit") == "contain"
    assert await fit.evaluate("e => e.complete && e.naturalWidth") == 40  # ../../images: relative to the page
    fill = await page.get_by_test_id("img-fill").bounding_box()
    assert (fill["width"], fill["height"]) == (100, 100)
    width_fix = await page.get_by_test_id("img-widthfix").bounding_box()
    assert (width_fix["width"], width_fix["height"]) == (100, 50)  # the picture's ratio
    default = await page.get_by_test_id("img-default").bounding_box()
    assert (default["width"], default["height"]) == (300, 225)


async def test_buttons_types_disabled_loading(mp_sim, page):
    await open_page(page, mp_sim, "pages/components/components")
    await page.get_by_test_id("btn-primary").click()
    await page.get_by_test_id("out").filter(has_text="tap btn-primary").wait_for()
    assert await page.get_by_role("button", name="Disabled").is_disabled()
    await page.get_by_test_id("btn-disabled").click(force=True)
    assert "btn-disabled" not in await text(page, "out")
    assert await style(page, "btn-primary", "backgroundColor") == "rgb(22, 119, 255)"
    assert await page.get_by_test_id("btn-loading").locator(".a-button-spinner").count() == 1


async def test_checkbox_radio_switch_and_labels(mp_sim, page):
    await open_page(page, mp_sim, "pages/components/components")
    group = page.get_by_test_id("cbg")
    assert await group.get_by_role("checkbox").first.get_attribute("aria-checked") == "true"
    await group.get_by_text("plum").click()  # the label toggles its checkbox
    await page.get_by_test_id("out").filter(has_text="checks apple,plum").wait_for()
    await page.get_by_test_id("rg").get_by_role("radio").nth(1).click()
    await page.get_by_test_id("out").filter(has_text="radio pear").wait_for()
    await page.get_by_test_id("rg").get_by_text("fig").click()
    await page.get_by_test_id("out").filter(has_text="radio fig").wait_for()
    assert await page.get_by_test_id("rg").get_by_role("radio").nth(1).get_attribute("aria-checked") == "false"
    await page.get_by_test_id("sw").click()
    await page.get_by_test_id("out").filter(has_text="switch true").wait_for()
    assert await page.get_by_role("switch").get_attribute("aria-checked") == "true"


async def test_picker_scroll_view_swiper_icon_navigator(mp_sim, page):
    await open_page(page, mp_sim, "pages/components/components")
    assert await text(page, "picker-shown") == "pear"
    await page.get_by_test_id("picker").click()
    await page.get_by_test_id("mp-picker-option").filter(has_text="fig").click()
    await page.get_by_test_id("picker-shown").filter(has_text="fig").wait_for()
    await page.get_by_test_id("scroller").evaluate("e => e.scrollTo(0, e.scrollHeight)")
    await page.get_by_test_id("out").filter(has_text="lower").wait_for()
    slides = page.get_by_test_id("slide")
    assert await slides.nth(0).is_visible() and not await _in_view(page, "swiper", 1)
    box = await page.get_by_test_id("swiper").bounding_box()
    y = box["y"] + box["height"] / 2
    await page.mouse.move(box["x"] + box["width"] - 20, y)
    await page.mouse.down()
    await page.mouse.move(box["x"] + 20, y, steps=4)
    await page.mouse.up()
    await page.get_by_test_id("out").filter(has_text="slide 1 touch").wait_for()
    await page.wait_for_function("() => true")
    assert await page.get_by_test_id("icon").evaluate("e => e.getBoundingClientRect().width") == 30
    await page.get_by_test_id("navigator").click()
    await page.wait_for_url("**/pages/events/events?via=navigator")


async def _in_view(page, testid: str, slide: int) -> bool:
    return await page.get_by_test_id(testid).evaluate(
        """(s, i) => { const r = s.getBoundingClientRect(), c = s.querySelectorAll('swiper-item')[i].getBoundingClientRect();
                      return c.left >= r.left - 1 && c.right <= r.right + 1; }""",
        slide,
    )


async def test_form_submit_and_reset_collect_named_fields(mp_sim, page):
    await open_page(page, mp_sim, "pages/form/form")
    await page.get_by_test_id("who").fill("Ann")
    await page.get_by_test_id("note").fill("no ice")
    await page.get_by_test_id("agree").click()
    await page.get_by_test_id("sugar").click()
    await page.get_by_test_id("large").click()
    await page.get_by_test_id("cup").click()
    await page.get_by_test_id("mp-picker-option").filter(has_text="big").click()
    await page.get_by_test_id("submit").click()
    await page.get_by_test_id("submitted").filter(has_text="value").wait_for()
    detail = json.loads(await text(page, "submitted"))
    assert detail == {
        "value": {"who": "Ann", "note": "no ice", "agree": True, "extras": ["sugar"], "size": "L", "cup": 1},
        "buttonTarget": {"dataset": {"testid": "submit", "kind": "send"}},
    }
    await page.get_by_test_id("reset").click()
    await page.get_by_test_id("submitted").filter(has_text="reset").wait_for()
    assert await page.get_by_test_id("who").input_value() == ""
    assert await page.get_by_test_id("agree").get_attribute("aria-checked") == "false"


# ---- templates, include, SJS, custom components ---------------------------------------


async def test_templates_import_include_and_sjs(mp_sim, page):
    await open_page(page, mp_sim, "pages/templates/templates")
    assert await text(page, "included") == "included: tpl TPL"
    assert await page.get_by_test_id("tpl-item").all_text_contents() == ["tea: 3 tpl", "literal: 5 "]
    assert await page.get_by_test_id("tpl-kind").all_text_contents() == ["odd 1", "even 2", "odd 3"]
    assert await text(page, "sjs") == "$12.34|5c|3"
    assert "never" not in await page.locator("mp-page-host:not([hidden])").inner_text()
    await page.get_by_test_id("tpl-item").first.click()  # a template's handler is the page's
    await page.get_by_test_id("clicked").filter(has_text="tea").wait_for()


async def test_custom_components_props_data_lifecycle_slots(mp_sim, page):
    await open_page(page, mp_sim, "pages/custom/custom")
    assert await text(page, "counter-value-a") == "a=1 (start 1) #true"
    assert await text(page, "counter-value-b") == "b=5 (start 5) #true"
    assert await text(page, "named-slot") == "header of a" and await text(page, "default-slot") == "content of a"
    assert await page.get_by_test_id("counter-b").get_by_test_id("slot-fallback").count() == 1
    await page.get_by_test_id("counter-plus-a").click()
    await page.get_by_test_id("counter-value-a").filter(has_text="a=2").wait_for()
    await page.get_by_test_id("parent-log").filter(has_text="a:2;").wait_for()  # onChanged, a function prop
    await page.get_by_test_id("bump-start").click()
    await page.get_by_test_id("counter-value-a").filter(has_text="start 11").wait_for()
    await page.get_by_test_id("hide-b").click()
    await page.get_by_test_id("counter-b").wait_for(state="detached")
    log = [e for e in await page.evaluate("getApp().globalData.log") if e.startswith("counter.")]
    assert log == [
        "counter.didMount a page=pages/custom/custom",
        "counter.didMount b page=pages/custom/custom",
        "counter.didUpdate a 1->2 start 1->1",
        "counter.didUpdate a 2->2 start 1->11",
        "counter.didUnmount b",
    ]
    assert await style(page, "counter-a", "borderTopColor") == "rgb(10, 20, 30)"  # the component's ACSS


async def test_commonjs_and_es_modules_and_async_functions(mp_sim, page):
    await open_page(page, mp_sim, "pages/modules/modules")
    await page.get_by_test_id("modules").filter(has_text="async ok").wait_for()
    assert await text(page, "modules") == "42|cjs/cjs|hello 42|42|hello 42|true|async ok"


# ---- ACSS -----------------------------------------------------------------------------


async def test_acss_rpx_page_selector_import_and_app_styles(mp_sim, page):
    await open_page(page, mp_sim, "pages/directives/directives")
    host = page.locator("mp-page-host:not([hidden])")
    # app.acss (with its @import) applies to every page; 10rpx is 10/750 of the page width
    probe = """(h) => { const p = h.shadowRoot.querySelector('page'); const e = document.createElement('view');
        e.className = 'app-rule from-import'; p.appendChild(e); const s = getComputedStyle(e);
        const r = [s.color, s.paddingTop, p.getBoundingClientRect().width]; e.remove(); return r; }"""
    color, padding, width = await host.evaluate(probe)
    assert color == "rgb(1, 2, 3)"
    assert abs(float(padding[:-2]) - width * 10 / 750) < 0.01
    assert (
        await host.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(240, 240, 240)"
    )  # window.backgroundColor
    await page.set_viewport_size({"width": 390, "height": 800})  # phone-sized: the page is the screen
    _, padding, width = await host.evaluate(probe)
    assert width == 390 and abs(float(padding[:-2]) - 390 * 10 / 750) < 0.01


# ---- runtime errors -------------------------------------------------------------------


async def test_runtime_errors_reach_pageerror_and_the_page_keeps_running(mp_sim, browser):
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await open_page(page, mp_sim, "pages/errors/errors")
        await page.get_by_test_id("throw").click()
        await page.get_by_test_id("reject").click()
        await page.get_by_test_id("missing").click()
        await page.get_by_test_id("count").click()
        await page.get_by_test_id("counted").filter(has_text="101").wait_for()
        await page.wait_for_function("getApp().globalData.errors.length >= 2", polling=POLL_MS)
        assert any("boom from a handler" in e for e in errors)
        assert any("async boom" in e for e in errors)
        assert any("noSuchHandler" in e and "is not defined in page pages/errors/errors" in e for e in errors)
        app_errors = await page.evaluate("getApp().globalData.errors")
        assert "boom from a handler" in app_errors  # App.onError heard of it
    finally:
        await context.close()
