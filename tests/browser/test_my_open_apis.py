"""The APIs next to payment, in Chromium: my.getAuthCode (silent auth_base, the consent
sheet, cancel 11, unknown scope 3; the code's format), my.makePhoneCall and
my.setClipboard / my.getClipboard (shown, not performed), my.getSystemInfo beside the
sync form, and a declared API the shim lacks (fails with 1, warns, notes it in the
journal). Screenshots at a phone's 390 px in test-artifacts/ (my-*.png)."""

from __future__ import annotations

import time

import pytest_asyncio
from my_harness import PAGES, call, failed, log_of, open_harness, shot, start, succeeded, wait_done

from miniprogram_mock.auth import TEST_BUYER, decode
from simulator.testing.sim import running_sim, wait_for


@pytest_asyncio.fixture(scope="module")
async def harness_sim(tmp_path_factory, keys_template):
    """One simulator for the module: these tests change no state another test sees."""
    async with running_sim(tmp_path_factory.mktemp("data"), keys_from=keys_template, miniprogram_dir=PAGES) as sim:
        yield sim


@pytest_asyncio.fixture
async def phone(browser):
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = await context.new_page()
    errors: list[str] = []
    warnings: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: warnings.append(msg.text) if msg.type == "warning" else None)
    page.warnings = warnings
    yield page
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def granted(log: list, scopes: list[str]) -> str:
    """The authCode of a successful call; checks the payload's shape on the way."""
    assert [kind for kind, _ in log] == ["success", "complete", "resolve"], log
    payload = log[0][1]
    assert set(payload) == {"authCode", "authSuccessScopes", "authErrorScopes"}
    assert payload["authSuccessScopes"] == scopes and payload["authErrorScopes"] == {}
    return payload["authCode"]


async def test_auth_base_is_silent_and_its_code_names_the_test_buyer(harness_sim, phone):
    await open_harness(phone, harness_sim)
    before = int(time.time())
    code = granted(await call(phone, "silent", "getAuthCode"), ["auth_base"])  # auth_base by default
    assert await phone.get_by_test_id("mp-auth").count() == 0
    said = decode(code)
    assert said["user"] == TEST_BUYER and said["scopes"] == ["auth_base"]
    assert before <= said["issuedAt"] <= int(time.time()) and len(said["nonce"]) == 16
    again = granted(await call(phone, "again", "getAuthCode", {"scopes": "auth_base"}), ["auth_base"])
    assert again != code  # every code is new


async def test_other_scopes_ask_the_user_first(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    await start(phone, "profile", "getAuthCode", {"scopes": ["auth_base", "auth_user"]})
    sheet = phone.get_by_test_id("mp-auth")
    await sheet.wait_for()
    assert TEST_BUYER in await sheet.text_content()
    assert await sheet.locator("[data-scope]").evaluate_all("items => items.map(i => i.dataset.scope)") == ["auth_user"]
    await shot(phone, artifacts, "my-get-auth-code")
    assert await log_of(phone, "profile") == []  # nothing until the user answers
    await phone.get_by_test_id("mp-auth-allow").click()
    code = granted(await wait_done(phone, "profile"), ["auth_base", "auth_user"])
    assert decode(code)["scopes"] == ["auth_base", "auth_user"]
    # Asked again for the same scope (no consent is remembered), the user now cancels.
    await start(phone, "no", "getAuthCode", {"scopes": "auth_user"})
    await phone.get_by_test_id("mp-auth-deny").click()
    assert await wait_done(phone, "no") == failed(11, "User's authorization is cancelled")


async def test_an_unknown_scope_fails_with_3_and_says_which_in_the_console(harness_sim, phone):
    await open_harness(phone, harness_sim)
    assert await call(phone, "bad", "getAuthCode", {"scopes": ["auth_base", "auth_everything"]}) == failed(
        3, "Unknown error!"
    )
    assert any("auth_everything" in w for w in phone.warnings)
    assert await call(phone, "empty", "getAuthCode", {"scopes": []}) == failed(3, "Unknown error!")


async def test_a_phone_call_is_shown_not_made(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    assert await call(phone, "call", "makePhoneCall", {"number": "+63 2 8888 0000"}) == succeeded({"success": True})
    notice = phone.get_by_test_id("mp-phone-call")
    await notice.wait_for()
    assert "Call +63 2 8888 0000" in await notice.text_content()
    await shot(phone, artifacts, "my-make-phone-call")
    await phone.get_by_test_id("mp-phone-call-close").click()
    assert await notice.count() == 0
    assert await call(phone, "none", "makePhoneCall", {}) == failed(2, "number must be a non-empty string")


async def test_the_clipboard_is_the_simulated_phones(harness_sim, phone, artifacts):
    await open_harness(phone, harness_sim)
    assert await call(phone, "empty", "getClipboard") == succeeded({"text": ""})
    assert await call(phone, "copy", "setClipboard", {"text": "ORD-2024-0001"}) == succeeded({"success": True})
    await phone.get_by_test_id("mp-clipboard").wait_for()
    await shot(phone, artifacts, "my-set-clipboard")
    assert await call(phone, "paste", "getClipboard") == succeeded({"text": "ORD-2024-0001"})
    assert await call(phone, "bad", "setClipboard", {"text": 5}) == failed(2, "text must be a string")
    # Another page of the mini program on the same phone sees it too.
    await open_harness(phone, harness_sim, "/pages/nav")
    assert await call(phone, "later", "getClipboard") == succeeded({"text": "ORD-2024-0001"})


async def test_get_system_info_async_gives_what_the_sync_form_gives(harness_sim, phone):
    await open_harness(phone, harness_sim)
    log = await call(phone, "info", "getSystemInfo")
    assert [kind for kind, _ in log] == ["success", "complete", "resolve"]
    info = log[0][1]
    assert info == await phone.evaluate("my.getSystemInfoSync()")
    assert info["windowWidth"] == 390 and info["platform"] == "iOS" and info["statusBarHeight"] == 44


async def test_a_declared_api_the_shim_lacks_fails_with_1_and_is_logged(harness_sim, http, phone):
    await open_harness(phone, harness_sim)
    message = "my.getLocation is not supported by tradepay-sim: stub it in your page or test"
    assert await call(phone, "loc", "getLocation", {"type": 1}) == failed(1, message)
    assert await call(phone, "loc2", "getLocation") == failed(1, message)
    assert [w for w in phone.warnings if "my.getLocation" in w] == [f"[tradepay-sim] {message} (docs/my-shim.md)"]
    probe = await phone.evaluate(
        """() => ({
            type: typeof my.getLocation, has: "getLocation" in my, canIUse: my.canIUse("getLocation"),
            sync: my.getAppIdSync(), listener: my.onNetworkStatusChange(() => {}), on: my.on('evt', () => {}),
            nested: typeof my.ap.nsf, undeclared: typeof my.noSuchApi, requestIsReal: my.canIUse("request")
        })"""
    )
    assert probe == {
        "type": "function",
        "has": True,
        "canIUse": False,
        "sync": {
            "error": 1,
            "errorMessage": "my.getAppIdSync is not supported by tradepay-sim: stub it in your page or test",
        },
        "listener": None,
        "on": None,
        "nested": "function",
        "undeclared": "undefined",
        "requestIsReal": True,
    }
    nested = await phone.evaluate("my.ap.nsf({}).catch(e => e)")
    assert nested == {
        "error": 1,
        "errorMessage": "my.ap.nsf is not supported by tradepay-sim: stub it in your page or test",
    }
    # A stub of the page's own wins (page code, or a test's init script, may set my.x).
    await phone.evaluate("() => { my.getLocation = (o) => o.success({latitude: 1, longitude: 2}); }")
    assert await phone.evaluate("new Promise(r => my.getLocation({success: r}))") == {"latitude": 1, "longitude": 2}
    assert await phone.evaluate("my.canIUse('getLocation')") is True

    async def noted():
        async with http.get(f"{harness_sim.urls['miniprogram']}/_sim/events") as resp:
            events = (await resp.json())["events"]
        notes = [e for e in events if (e.get("details") or {}).get("unsupported")]
        return notes if len(notes) == 5 else None

    notes = await wait_for(noted)
    apis = {e["details"]["api"] for e in notes}
    assert apis == {"my.getLocation", "my.getAppIdSync", "my.onNetworkStatusChange", "my.on", "my.ap.nsf"}
    assert all(e["kind"] == "note" and e["step"] is None and "not supported" in e["summary"] for e in notes)


async def test_a_tests_init_script_stubs_win_over_the_shim(harness_sim, phone):
    await phone.add_init_script(
        "window.my = {getLocation: (o) => o.success({latitude: 31.2}), getSystemInfoSync: () => ({model: 'stub'})}"
    )
    await open_harness(phone, harness_sim)
    got = await phone.evaluate(
        "() => new Promise(r => my.getLocation({success: r})).then(loc => [loc, my.getSystemInfoSync(), my.canIUse('getLocation')])"
    )
    assert got == [{"latitude": 31.2}, {"model": "stub"}, True]
    assert await phone.evaluate("typeof my.request") == "function"  # the rest of the shim is there
    assert not [w for w in phone.warnings if "not supported" in w]
