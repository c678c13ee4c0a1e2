"""make bench's browser journey, small: both moments come from the page, and a journey
that never shows PAID fails the run instead of being timed."""

import pytest

from bench import browser


async def test_the_page_times_press_of_pay_to_paid(sim):
    result = await browser.run(sim.urls["miniprogram"], count=2)
    assert result["n"] == 2 and result["harness"]["n"] == 2
    # The page's own span lies inside what Playwright saw from Python: Playwright acts
    # before the click fires and notices PAID after the page has drawn it.
    assert 0 < result["p50"] <= result["harness"]["p50"]
    assert result["max"] <= result["harness"]["max"]


async def test_a_page_that_never_shows_paid_is_not_timed(sim, monkeypatch):
    # The result page's PAID noted under another name: the bench must refuse, not report.
    monkeypatch.setattr(browser, "READ_STAMPS", browser.READ_STAMPS.replace("paidAt", "neverSet"))
    with pytest.raises(RuntimeError, match="did not note"):
        await browser.run(sim.urls["miniprogram"], count=0)
