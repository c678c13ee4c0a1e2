"""Issue 23, point 1, the way it was reproduced: a page on another origin, in Chromium,
posts ``text/plain`` forms (no preflight) and ``no-cors`` fetches at every app's state
changes. Each reaches its app and is refused (403); nothing changes. The simulator's own
pages (the journey) keep working: tests/browser/test_journey_browser.py."""

from __future__ import annotations

import json

import pytest_asyncio
from aiohttp import web

from simulator.testing.journey import api_journey
from simulator.testing.sim import get_json

# What the page tries: (app, method, path, body). The forms' bodies are the classic
# text/plain trick: name + "=" + value reads as JSON on the other side.
ATTACKS = (
    ("wallet", "POST", "/_sim/outcomes", '{"outcome": "RISK_REJECT", "count": 9999, "x": "="}'),
    ("wallet", "POST", "/_sim/reset", "{}"),
    ("merchant", "POST", "/_sim/reset", "{}"),
    ("merchant", "POST", "/api/orders", '{"items": [{"goodsId": "latte"}]}'),
    ("miniprogram", "PUT", "/_sim/request-domains", '{"serverDomains": ["http://evil.example"]}'),
    ("miniprogram", "POST", "/__container/request", '{"url": "http://127.0.0.1:9/"}'),
    ("console", "POST", "/api/reset", "{}"),
)

PAGE = """<!doctype html><title>cheap flights</title><body>
<script>
const attacks = %s;
window.sent = Promise.all(attacks.map(([url, method, body]) => method === "POST"
  ? (() => {  // a form in a frame of its own: a top-level style cross-site form post
      const frame = document.createElement("iframe"); frame.name = "f" + Math.random();
      document.body.appendChild(frame);
      const form = document.createElement("form");
      form.method = "POST"; form.enctype = "text/plain"; form.action = url; form.target = frame.name;
      const input = document.createElement("input"); input.type = "hidden";
      const eq = body.indexOf("=");
      input.name = eq < 0 ? body : body.slice(0, eq); input.value = eq < 0 ? "" : body.slice(eq + 1);
      form.appendChild(input); document.body.appendChild(form); form.submit();
      return fetch(url, {method, mode: "no-cors", body, headers: {"Content-Type": "text/plain"}}).catch(() => null);
    })()
  // other methods need a CORS preflight, which no app grants: the request is never sent
  : fetch(url, {method, body, headers: {"Content-Type": "text/plain"}}).catch(() => null)));
</script>"""


@pytest_asyncio.fixture
async def evil_site():
    """Another origin on loopback: a page that attacks the simulator."""
    targets: list = []

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE % json.dumps(targets), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "localhost", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://localhost:{port}/", targets
    await runner.cleanup()


async def _state(http, sim) -> dict:
    _, outcomes = await get_json(http, f"{sim.urls['wallet']}/_sim/outcomes")
    _, payments = await get_json(http, f"{sim.urls['wallet']}/_sim/payments")
    _, domains = await get_json(http, f"{sim.urls['miniprogram']}/_sim/request-domains")
    _, orders = await get_json(http, f"{sim.urls['merchant']}/api/orders")
    return {"outcomes": outcomes, "payments": payments, "domains": domains, "orders": orders}


async def test_a_page_on_another_origin_cannot_drive_the_sandbox(sim, http, page, evil_site):
    await api_journey(http, sim.urls)  # something a reset would wipe
    before = await _state(http, sim)
    url, targets = evil_site
    targets.extend([sim.urls[app] + path, method, body] for app, method, path, body in ATTACKS)
    answers: dict[str, list[int]] = {}
    page.on("response", lambda r: answers.setdefault(r.url, []).append(r.status))
    await page.goto(url)
    await page.evaluate("window.sent")
    await page.wait_for_timeout(300)  # the frames' form posts
    for app, method, path, _body in ATTACKS:
        if method == "POST":  # every post reached the app (Chromium sent it) and was refused by it
            statuses = answers.get(sim.urls[app] + path)
            assert statuses and set(statuses) == {403}, (app, method, path, statuses)
    assert await _state(http, sim) == before
