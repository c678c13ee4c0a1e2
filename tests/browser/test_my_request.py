"""my.request in Chromium, through the container: every argument, 2xx and 3xx as a success
and 400 and above as error 19 carrying the reply, every error code with its exact
payload, the callbacks' order, abort, the 60 s timeout cap, the server-domain allow-list
and the cookie jar. A small upstream server plays the developer's own API."""

from __future__ import annotations

import asyncio
import base64
import socket

import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from my_harness import PAGES, call, call_all, failed, log_of, open_harness, start, wait_done

from simulator.testing.sim import running_sim, wait_for

MESSAGE_19 = "http status error"


class Upstream:
    """The developer's API server, and raw sockets that answer what no server should."""

    def __init__(self) -> None:
        self.disconnects: list[str] = []
        self.server: TestServer | None = None
        self.raw: list[asyncio.AbstractServer] = []

    async def echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "bodyBase64": base64.b64encode(body).decode(),
            },
            headers={"X-Upstream": "yes"},
        )

    async def status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        if code in (204, 304):
            return web.Response(status=code)
        return web.json_response({"status": code}, status=code, headers={"X-Upstream": "yes"})

    async def html_error(self, request: web.Request) -> web.Response:
        return web.Response(status=502, text="<h1>Bad gateway</h1>", content_type="text/html")

    async def redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def loop(self, request: web.Request) -> web.Response:
        """Redirects to itself ``n`` more times, then to /echo."""
        left = int(request.query["n"])
        raise web.HTTPFound(f"/loop?n={left - 1}" if left > 0 else "/echo")

    async def moved(self, request: web.Request) -> web.Response:
        """A POST answered with ``code`` (303 or 307) to /echo."""
        raise {303: web.HTTPSeeOther, 307: web.HTTPTemporaryRedirect}[int(request.match_info["code"])]("/echo")

    async def big(self, request: web.Request) -> web.StreamResponse:
        """8 MiB and one byte, streamed: one more than the container reads."""
        resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await resp.prepare(request)
        chunk = b"x" * (1024 * 1024)
        for _ in range(8):
            await resp.write(chunk)
        await resp.write(b"!")
        await resp.write_eof()
        return resp

    async def text(self, request: web.Request) -> web.Response:
        return web.Response(body="caf\u00e9".encode("latin-1"), content_type="text/plain", charset="iso-8859-1")

    async def binary(self, request: web.Request) -> web.Response:
        return web.Response(body=bytes([0, 1, 127, 128, 254, 255]), content_type="application/octet-stream")

    async def cookie(self, request: web.Request) -> web.Response:
        resp = web.json_response({"set": True})
        resp.set_cookie("session", request.query.get("value", "alice"), path="/")
        return resp

    async def login(self, request: web.Request) -> web.Response:
        """Sets a cookie on a redirect: the next hop must already carry it."""
        resp = web.HTTPFound("/echo")
        resp.set_cookie("login", "yes", path="/")
        raise resp

    async def not_json(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>not json</html>", content_type="text/html")

    async def slow(self, request: web.Request) -> web.Response:
        try:
            for _ in range(200):
                await asyncio.sleep(0.05)
                if request.transport is None or request.transport.is_closing():
                    raise asyncio.CancelledError
        except asyncio.CancelledError:  # the client went away (the test server cancels the handler)
            self.disconnects.append(request.query.get("tag", ""))
            raise
        return web.json_response({"slow": True})

    async def saw_disconnect(self, tag: str, within: float = 2.0) -> bool:
        """Whether the request tagged so had its connection closed by the container."""

        async def seen() -> bool:
            return tag in self.disconnects

        try:
            return await wait_for(seen, timeout=within)
        except TimeoutError:
            return False

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/echo", self.echo),
                web.get("/status/{code}", self.status),
                web.get("/html-error", self.html_error),
                web.get("/login", self.login),
                web.get("/redirect", self.redirect),
                web.get("/loop", self.loop),
                web.post("/moved/{code}", self.moved),
                web.get("/big", self.big),
                web.get("/text", self.text),
                web.get("/bytes", self.binary),
                web.get("/notjson", self.not_json),
                web.get("/slow", self.slow),
                web.post("/cookie", self.cookie),
            ]
        )
        self.server = TestServer(app, host="127.0.0.1", port=0)
        await self.server.start_server()

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def raw_server(self, reply: bytes) -> str:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(reply)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        self.raw.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    async def close(self) -> None:
        for server in self.raw:
            server.close()
        await self.server.close()


def closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: the connection is refused
    return f"http://127.0.0.1:{port}"


@pytest_asyncio.fixture
async def upstream():
    up = Upstream()
    await up.start()
    yield up
    await up.close()


async def allow(http, sim, *origins: str) -> dict:
    async with http.put(
        f"{sim.urls['miniprogram']}/_sim/request-domains", json={"serverDomains": list(origins)}
    ) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


def response(data, status: int, headers: dict) -> dict:
    return {"data": data, "status": status, "headers": headers, "statusCode": status, "header": headers}


async def test_post_sends_json_with_the_default_content_type(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    log = await call(
        page,
        "post",
        "request",
        {
            "url": upstream.url + "/echo",
            "method": "POST",
            "data": {"item": "latte", "n": 2},
            "headers": {
                "X-Trace": "t1",
                "Referer": "https://evil.example/",
                "Cookie": "a=b",
                "Host": "evil.example",
                "Proxy-Authorization": "Basic eDp5",
            },
        },
    )
    assert [kind for kind, _ in log] == ["success", "complete", "resolve"]
    res = log[0][1]
    assert set(res) == {"data", "status", "headers", "statusCode", "header"}
    assert res["status"] == res["statusCode"] == 200 and res["headers"] == res["header"]
    assert res["headers"]["x-upstream"] == "yes" and res["headers"]["content-type"].startswith("application/json")
    echo = res["data"]
    assert echo["method"] == "POST" and echo["body"] == '{"item":"latte","n":2}'
    assert echo["headers"]["content-type"] == "application/json" and echo["headers"]["x-trace"] == "t1"
    # The page cannot set these (the container's own, or the connection's): not sent.
    assert "referer" not in echo["headers"] and "cookie" not in echo["headers"]
    assert "proxy-authorization" not in echo["headers"]
    assert echo["headers"]["host"] == upstream.url.split("://", 1)[1]
    assert log[1][1] == res and log[2][1] == res


async def test_get_puts_data_in_the_query_string_and_the_timeout_defaults_to_30000(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    async with page.expect_request("**/__container/request") as sent:
        log = await call(
            page, "get", "request", {"url": upstream.url + "/echo?a=1", "data": {"q": "caf\u00e9 & tea", "n": 3}}
        )
    container_call = (await sent.value).post_data_json
    assert container_call["timeout"] == 30000 and container_call["method"] == "GET" and container_call["body"] is None
    echo = log[0][1]["data"]
    assert echo["method"] == "GET" and echo["query"] == {"a": "1", "q": "caf\u00e9 & tea", "n": "3"}


async def test_form_strings_and_bytes_are_sent_as_given(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    form = await call(
        page,
        "form",
        "request",
        {
            "url": upstream.url + "/echo",
            "method": "PUT",
            "data": {"a": "1 2", "b": "x&y"},
            "header": {"content-type": "application/x-www-form-urlencoded"},
        },
    )
    assert form[0][1]["data"]["body"] == "a=1%202&b=x%26y"
    assert form[0][1]["data"]["headers"]["content-type"] == "application/x-www-form-urlencoded"
    raw = await call(
        page,
        "raw",
        "request",
        {
            "url": upstream.url + "/echo",
            "method": "POST",
            "data": "plain text",
            "headers": {"Content-Type": "text/plain"},
        },
    )
    assert raw[0][1]["data"]["body"] == "plain text" and raw[0][1]["data"]["headers"]["content-type"] == "text/plain"
    sent = await call(
        page, "bytes", "request", {"url": upstream.url + "/echo", "method": "POST", "data": {"$bytes": [0, 255, 10]}}
    )
    assert sent[0][1]["data"]["bodyBase64"] == base64.b64encode(bytes([0, 255, 10])).decode()


async def test_2xx_and_3xx_succeed(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    codes = (200, 201, 202, 204, 304)
    logs = await call_all(page, {f"s{code}": ("request", {"url": f"{upstream.url}/status/{code}"}) for code in codes})
    for code in codes:
        log = logs[f"s{code}"]
        assert [kind for kind, _ in log] == ["success", "complete", "resolve"], (code, log)
        res = log[0][1]
        assert res["status"] == res["statusCode"] == code
        assert res["data"] == ("" if code in (204, 304) else {"status": code})


async def test_400_and_above_fail_with_19_carrying_the_reply(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    codes = (400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504)
    logs = await call_all(page, {f"s{code}": ("request", {"url": f"{upstream.url}/status/{code}"}) for code in codes})
    for code in codes:
        log = logs[f"s{code}"]
        assert [kind for kind, _ in log] == ["fail", "complete", "reject"], (code, log)
        err = log[0][1]
        assert set(err) == {"error", "errorMessage", "status", "headers", "data"}
        assert err["error"] == 19 and err["errorMessage"] == MESSAGE_19 and err["status"] == code
        assert err["data"] == {"status": code}  # decoded as dataType (json) asks
        assert err["headers"]["x-upstream"] == "yes" and err["headers"]["content-type"].startswith("application/json")
        assert log[1][1] == err and log[2][1] == err
    # The reply is decoded as dataType asks where it can be; a body that is not JSON stays text.
    html = await call(page, "html", "request", {"url": upstream.url + "/html-error"})
    assert html[0][1]["status"] == 502 and html[0][1]["data"] == "<h1>Bad gateway</h1>"
    as_text = await call(page, "text404", "request", {"url": upstream.url + "/status/404", "dataType": "text"})
    assert as_text[0][1]["data"] == '{"status": 404}'
    as_b64 = await call(page, "b64404", "request", {"url": upstream.url + "/status/404", "dataType": "base64"})
    assert as_b64[0][1]["data"] == "data:application/json;base64," + base64.b64encode(b'{"status": 404}').decode()
    # onHeadersReceived hears an error reply's headers too.
    heard = await call(page, "h404", "request", {"url": upstream.url + "/status/404"}, headersReceived=True)
    assert [kind for kind, _ in heard] == ["headersReceived", "fail", "complete", "reject"]


async def test_redirects_are_followed_within_the_allow_list_only(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    followed = await call(page, "r1", "request", {"url": f"{upstream.url}/redirect?to=/echo"})
    assert followed[0][1]["status"] == 200 and followed[0][1]["data"]["path"] == "/echo"
    wallet = harness_sim.urls["wallet"]
    escaped = await call(page, "r2", "request", {"url": f"{upstream.url}/redirect?to={wallet}/_sim/health"})
    assert escaped == failed(11, f"{wallet} is not in the mini program's server-domain allow-list")


async def test_ten_redirects_are_followed_and_the_eleventh_fails_with_19(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    logs = await call_all(
        page,
        {
            "ten": ("request", {"url": f"{upstream.url}/loop?n=9"}),  # 9 to itself + 1 to /echo
            "eleven": ("request", {"url": f"{upstream.url}/loop?n=10"}),
        },
    )
    assert logs["ten"][0][0] == "success" and logs["ten"][0][1]["data"]["path"] == "/echo"
    assert logs["eleven"] == failed(19, MESSAGE_19)


async def test_303_turns_a_post_into_a_get_and_307_keeps_it(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    posted = {"method": "POST", "data": {"item": "latte"}}
    logs = await call_all(
        page,
        {
            "303": ("request", {"url": f"{upstream.url}/moved/303", **posted}),
            "307": ("request", {"url": f"{upstream.url}/moved/307", **posted}),
        },
    )
    see_other = logs["303"][0][1]["data"]
    assert (see_other["method"], see_other["body"]) == ("GET", "")
    assert "content-type" not in see_other["headers"]
    temporary = logs["307"][0][1]["data"]
    assert temporary["method"] == "POST" and '"item"' in temporary["body"]


async def test_a_reply_over_8_mib_fails_with_19(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    assert await call(page, "big", "request", {"url": upstream.url + "/big", "dataType": "base64"}) == failed(
        19, MESSAGE_19
    )


async def test_data_types(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    text = await call(page, "text", "request", {"url": upstream.url + "/text", "dataType": "text"})
    assert text[0][1]["data"] == "caf\u00e9"  # decoded with the response's charset
    # base64: a data URI, as Alipay's example shows ("data:image/png;base64,iVBORw0KG...").
    as_b64 = await call(page, "b64", "request", {"url": upstream.url + "/bytes", "dataType": "base64"})
    payload = base64.b64encode(bytes([0, 1, 127, 128, 254, 255])).decode()
    assert as_b64[0][1]["data"] == "data:application/octet-stream;base64," + payload
    text_b64 = await call(page, "tb64", "request", {"url": upstream.url + "/text", "dataType": "base64"})
    assert text_b64[0][1]["data"] == "data:text/plain;base64," + base64.b64encode(b"caf\xe9").decode()
    buffer = await call(page, "buf", "request", {"url": upstream.url + "/bytes", "dataType": "arraybuffer"})
    assert buffer[0][1]["data"] == {"$arraybuffer": base64.b64encode(bytes([0, 1, 127, 128, 254, 255])).decode()}
    json_as_text = await call(page, "jt", "request", {"url": upstream.url + "/status/200", "dataType": "text"})
    assert json_as_text[0][1]["data"] == '{"status": 200}'


async def test_headers_are_received_before_success(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    log = await call(page, "h", "request", {"url": upstream.url + "/status/201"}, headersReceived=True)
    assert [kind for kind, _ in log] == ["headersReceived", "success", "complete", "resolve"]
    assert log[0][1] == {"headers": log[1][1]["headers"]}


async def test_invalid_arguments_fail_with_2(harness_sim, http, upstream, page):
    await open_harness(page, harness_sim)
    url = upstream.url + "/echo"
    cases = {
        "no-url": ({}, "url must be an absolute http(s) URL"),
        "relative": ({"url": "/api/catalog"}, "url must be an absolute http(s) URL"),
        "method": (
            {"url": url, "method": "FETCH"},
            "method must be one of GET, POST, PUT, DELETE, OPTIONS, HEAD, TRACE, CONNECT",
        ),
        "dataType": ({"url": url, "dataType": "xml"}, "dataType must be json, text, base64 or arraybuffer"),
        "timeout": ({"url": url, "timeout": -1}, "timeout must be a positive number of milliseconds"),
        "headers": ({"url": url, "headers": "x"}, "headers must be an object"),
        "get-bytes": ({"url": url, "data": {"$bytes": [1]}}, "an ArrayBuffer cannot be sent with GET"),
        "too-big": ({"url": url, "method": "POST", "data": "x" * 300_000}, "data is larger than the container accepts"),
    }
    logs = await call_all(page, {name: ("request", options) for name, (options, _) in cases.items()})
    for name, (_, message) in cases.items():
        assert logs[name] == failed(2, message), name


async def test_a_domain_off_the_allow_list_fails_with_11(harness_sim, http, upstream, page):
    await open_harness(page, harness_sim)
    log = await call(page, "off", "request", {"url": upstream.url + "/echo"})
    assert log == failed(11, f"{upstream.url} is not in the mini program's server-domain allow-list")
    # The merchant server is on the list by default: the shop works out of the box.
    catalog = await call(page, "merchant", "request", {"url": harness_sim.urls["merchant"] + "/api/catalog"})
    assert catalog[0][0] == "success" and catalog[0][1]["data"]["goods"]


async def test_network_error_12_timeout_13_decode_14_http_19(harness_sim, http, upstream, page):
    refused = closed_port_url()
    garbage = await upstream.raw_server(b"HELLO WORLD\r\n\r\n")
    truncated = await upstream.raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
    silent = await upstream.raw_server(b"")
    await allow(http, harness_sim, upstream.url, refused, garbage, truncated, silent)
    await open_harness(page, harness_sim)
    assert await call(page, "refused", "request", {"url": refused + "/x"}) == failed(
        12, "network error: ClientConnectorError"
    )
    assert await call(page, "silent", "request", {"url": silent + "/x"}) == failed(
        12, "network error: the server closed the connection without a reply"
    )
    # 1 s, not less: on a loaded machine a shorter timeout could run out before the
    # request reached the upstream, which then had nothing to see closed.
    assert await call(page, "slow", "request", {"url": upstream.url + "/slow?tag=timeout", "timeout": 1000}) == failed(
        13, "request timed out after 1000 ms"
    )
    assert await call(page, "notjson", "request", {"url": upstream.url + "/notjson"}) == failed(
        14, "JSON parse data error"
    )
    assert await call(page, "garbage", "request", {"url": garbage + "/x"}) == failed(19, MESSAGE_19)
    assert await call(page, "truncated", "request", {"url": truncated + "/x"}) == failed(19, MESSAGE_19)
    # The upstream saw the timed-out request's connection closed by the container.
    assert await upstream.saw_disconnect("timeout"), "the container kept the timed-out request open"


async def test_abort_stops_the_request_with_9_once(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    await start(page, "slow", "request", {"url": upstream.url + "/slow?tag=aborted"})
    await asyncio.sleep(0.3)
    await page.evaluate("abortRun('slow')")
    assert await wait_done(page, "slow") == failed(9, "request:fail abort")
    assert await log_of(page, "slow:abort") == [("success", {"success": True}), ("complete", {"success": True})]
    assert await upstream.saw_disconnect("aborted"), "the container kept the aborted request open"
    # Aborting a request that has ended changes nothing.
    done = await call(page, "fast", "request", {"url": upstream.url + "/status/200"})
    await page.evaluate("abortRun('fast')")
    await asyncio.sleep(0.3)
    assert await log_of(page, "fast") == done


async def test_the_allow_list_is_configurable_and_refuses_bad_entries(harness_sim, http):
    base = f"{harness_sim.urls['miniprogram']}/_sim/request-domains"
    merchant = harness_sim.urls["merchant"]
    async with http.get(base) as resp:
        assert await resp.json() == {"serverDomains": [merchant], "always": merchant, "domainMappings": {}}
    listed = await allow(http, harness_sim, "http://127.0.0.1:9000/", "https://API.example.com:443")
    assert listed["serverDomains"] == [merchant, "http://127.0.0.1:9000", "https://api.example.com"]
    for bad in ({"serverDomains": ["ftp://x"]}, {"serverDomains": ["https://x.test/path"]}, {"serverDomains": "x"}, []):
        async with http.put(base, json=bad) as resp:
            assert resp.status == 400 and (await resp.json())["error"]["code"] in ("BAD_DOMAINS", "BAD_JSON")
    async with http.get(base) as resp:  # a refused change changed nothing
        assert (await resp.json())["serverDomains"] == listed["serverDomains"]


async def test_the_container_refuses_malformed_calls_with_2(harness_sim, http):
    url = f"{harness_sim.urls['miniprogram']}/__container/request"
    async with http.post(url, data='{"url": "http://x.test"}', headers={"Content-Type": "text/plain"}) as resp:
        assert (await resp.json())["error"] == 2  # a "simple" cross-site post cannot use the container
    for abort_too in ("", "/abort"):
        async with http.post(
            url + abort_too, json={"url": harness_sim.urls["merchant"]}, headers={"Origin": "http://evil.test"}
        ) as resp:
            assert resp.status == 403 and (await resp.json())["error"] == 4  # no permission
    for body in (
        "not json",
        "[]",
        '{"url": "file:///etc/passwd"}',
        '{"url": "http://x.test", "headers": {"a": 1}}',
        '{"url": "http://x.test", "headers": {"a": "b\\r\\nc: d"}}',
        '{"url": "http://x.test", "body": "%%%"}',
    ):
        async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as resp:
            reply = await resp.json()
            assert resp.status == 200 and reply["ok"] is False and reply["error"] == 2, body


async def test_reset_returns_the_allow_list_to_its_configuration(sim, http):
    url = f"{sim.urls['miniprogram']}/_sim/request-domains"
    async with http.put(url, json={"serverDomains": ["http://127.0.0.1:9"]}) as resp:
        assert "http://127.0.0.1:9" in (await resp.json())["serverDomains"]
    async with http.post(f"{sim.urls['miniprogram']}/_sim/reset") as resp:
        assert resp.status == 200
    async with http.get(url) as resp:
        assert (await resp.json())["serverDomains"] == [sim.urls["merchant"]]


async def test_the_timeout_is_cut_to_60_seconds(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    async with page.expect_request("**/__container/request") as sent:
        log = await call(page, "long", "request", {"url": upstream.url + "/status/200", "timeout": 120_000})
    assert (await sent.value).post_data_json["timeout"] == 60_000
    assert log[0][0] == "success"


def echoed_cookie(log: list) -> set[str] | None:
    """The cookies the upstream received, as a set of ``name=value``."""
    assert log[0][0] == "success", log
    header = log[0][1]["data"]["headers"].get("cookie")
    return set(header.split("; ")) if header else None


async def test_cookies_are_kept_per_device_hidden_from_the_page_and_cleared_by_reset(
    harness_sim, http, upstream, page, browser
):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    echo = {"url": upstream.url + "/echo"}
    set_it = await call(page, "set", "request", {"url": upstream.url + "/cookie", "method": "POST"})
    assert set_it[0][0] == "success" and "set-cookie" not in set_it[0][1]["headers"]  # the page never sees it
    assert echoed_cookie(await call(page, "again", "request", echo)) == {"session=alice"}
    assert "session" not in await page.evaluate("document.cookie")
    # my.clearStorage leaves the cookies; a redirect's Set-Cookie goes along on the next hop.
    assert (await call(page, "clear", "clearStorage"))[0][0] == "success"
    assert echoed_cookie(await call(page, "kept", "request", echo)) == {"session=alice"}
    followed = await call(page, "login", "request", {"url": upstream.url + "/login"})
    assert echoed_cookie(followed) == {"session=alice", "login=yes"}
    # A cookie the page puts in its headers is not sent: the container's jar decides.
    forged = await call(page, "forged", "request", {**echo, "headers": {"Cookie": "session=mallory"}})
    assert echoed_cookie(forged) == {"session=alice", "login=yes"}
    # Another browser profile is another phone: its own jar.
    context = await browser.new_context()
    try:
        other = await context.new_page()
        await open_harness(other, harness_sim)
        assert echoed_cookie(await call(other, "other", "request", echo)) is None
        await call(other, "set-bob", "request", {"url": upstream.url + "/cookie?value=bob", "method": "POST"})
        assert echoed_cookie(await call(other, "bob", "request", echo)) == {"session=bob"}
    finally:
        await context.close()
    assert echoed_cookie(await call(page, "still", "request", echo)) == {"session=alice", "login=yes"}
    # Reset clears every jar (and the allow-list's additions).
    async with http.post(f"{harness_sim.urls['miniprogram']}/_sim/reset") as resp:
        assert resp.status == 200
    await allow(http, harness_sim, upstream.url)
    assert echoed_cookie(await call(page, "after-reset", "request", echo)) is None


async def test_a_mapped_domain_goes_to_its_local_server(tmp_path, keys_template, http, upstream, page):
    """--miniprogram-domain https://api.shop.example=<upstream>: the project's production
    URL reaches the local server, with the domain's cookies, without editing the project."""
    mapping = f"https://api.shop.example={upstream.url}"
    async with running_sim(
        tmp_path / "data", keys_from=keys_template, miniprogram_dir=PAGES, miniprogram_domain=(mapping,)
    ) as sim:
        async with http.get(f"{sim.urls['miniprogram']}/_sim/request-domains") as resp:
            listed = await resp.json()
        assert "https://api.shop.example" in listed["serverDomains"] and upstream.url not in listed["serverDomains"]
        assert listed["domainMappings"] == {"https://api.shop.example": upstream.url}
        await open_harness(page, sim)
        log = await call(page, "mapped", "request", {"url": "https://api.shop.example/echo?x=1", "data": {"y": "2"}})
        echo = log[0][1]["data"]
        assert echo["path"] == "/echo" and echo["query"] == {"x": "1", "y": "2"}
        assert echo["headers"]["host"] == upstream.url.removeprefix("http://")
        # Cookies belong to the domain the page called.
        await call(page, "set", "request", {"url": "https://api.shop.example/cookie", "method": "POST"})
        again = await call(page, "again", "request", {"url": "https://api.shop.example/echo"})
        assert again[0][1]["data"]["headers"]["cookie"] == "session=alice"
        # A redirect to the local server's own origin stays on the domain (and on the list).
        hop = await call(page, "hop", "request", {"url": f"https://api.shop.example/redirect?to={upstream.url}/echo"})
        assert hop[0][0] == "success" and hop[0][1]["data"]["path"] == "/echo"
        # An error status of the local server is the page's 19, as from the real domain.
        missing = await call(page, "404", "request", {"url": "https://api.shop.example/status/404"})
        assert missing[0][1]["error"] == 19 and missing[0][1]["status"] == 404
        # The local server itself is not on the list: only the domain is.
        direct = await call(page, "direct", "request", {"url": upstream.url + "/echo"})
        assert direct == failed(11, f"{upstream.url} is not in the mini program's server-domain allow-list")
