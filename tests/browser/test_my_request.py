"""my.request in Chromium, through the container: every argument, every HTTP status as a
success, every error code with its exact payload, the callbacks' order, abort, and the
server-domain allow-list. A small upstream server plays the developer's own API."""

from __future__ import annotations

import asyncio
import base64
import json
import socket

import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from my_harness import call, call_all, failed, log_of, open_harness, start, wait_done

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
        return web.json_response({"status": code}, status=code)

    async def redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def text(self, request: web.Request) -> web.Response:
        return web.Response(body="caf\u00e9".encode("latin-1"), content_type="text/plain", charset="iso-8859-1")

    async def binary(self, request: web.Request) -> web.Response:
        return web.Response(body=bytes([0, 1, 127, 128, 254, 255]), content_type="application/octet-stream")

    async def cookie(self, request: web.Request) -> web.Response:
        resp = web.json_response({"set": True})
        resp.set_cookie("session", "alice", path="/")
        return resp

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

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/echo", self.echo),
                web.get("/status/{code}", self.status),
                web.get("/redirect", self.redirect),
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
            "headers": {"X-Trace": "t1"},
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


async def test_every_http_status_is_a_success(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    codes = (200, 201, 202, 204, 304, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504)
    logs = await call_all(page, {f"s{code}": ("request", {"url": f"{upstream.url}/status/{code}"}) for code in codes})
    for code in codes:
        log = logs[f"s{code}"]
        assert [kind for kind, _ in log] == ["success", "complete", "resolve"], (code, log)
        res = log[0][1]
        assert res["status"] == res["statusCode"] == code
        assert res["data"] == ("" if code in (204, 304) else {"status": code})


async def test_redirects_are_followed_within_the_allow_list_only(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    followed = await call(page, "r1", "request", {"url": f"{upstream.url}/redirect?to=/echo"})
    assert followed[0][1]["status"] == 200 and followed[0][1]["data"]["path"] == "/echo"
    wallet = harness_sim.urls["wallet"]
    escaped = await call(page, "r2", "request", {"url": f"{upstream.url}/redirect?to={wallet}/_sim/health"})
    assert escaped == failed(11, f"{wallet} is not in the mini program's server-domain allow-list")


async def test_data_types(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    text = await call(page, "text", "request", {"url": upstream.url + "/text", "dataType": "text"})
    assert text[0][1]["data"] == "caf\u00e9"  # decoded with the response's charset
    as_b64 = await call(page, "b64", "request", {"url": upstream.url + "/bytes", "dataType": "base64"})
    assert as_b64[0][1]["data"] == base64.b64encode(bytes([0, 1, 127, 128, 254, 255])).decode()
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
    assert await call(page, "slow", "request", {"url": upstream.url + "/slow?tag=timeout", "timeout": 300}) == failed(
        13, "request timed out after 300 ms"
    )
    assert await call(page, "notjson", "request", {"url": upstream.url + "/notjson"}) == failed(
        14, "JSON parse data error"
    )
    assert await call(page, "garbage", "request", {"url": garbage + "/x"}) == failed(19, MESSAGE_19)
    assert await call(page, "truncated", "request", {"url": truncated + "/x"}) == failed(19, MESSAGE_19)
    # The upstream saw the timed-out request's connection closed by the container.
    assert "timeout" in upstream.disconnects


async def test_abort_stops_the_request_with_20_once(harness_sim, http, upstream, page):
    await allow(http, harness_sim, upstream.url)
    await open_harness(page, harness_sim)
    await start(page, "slow", "request", {"url": upstream.url + "/slow?tag=aborted"})
    await asyncio.sleep(0.3)
    await page.evaluate("abortRun('slow')")
    assert await wait_done(page, "slow") == failed(20, "request stopped by abort()")
    assert await log_of(page, "slow:abort") == [("success", {"success": True}), ("complete", {"success": True})]

    async def upstream_saw_it():
        for _ in range(40):
            if "aborted" in upstream.disconnects:
                return True
            await asyncio.sleep(0.05)
        return False

    assert await upstream_saw_it(), "the container kept the aborted request open"
    # Aborting a request that has ended changes nothing.
    done = await call(page, "fast", "request", {"url": upstream.url + "/status/200"})
    await page.evaluate("abortRun('fast')")
    await asyncio.sleep(0.3)
    assert await log_of(page, "fast") == done


async def test_the_allow_list_is_configurable_and_refuses_bad_entries(harness_sim, http):
    base = f"{harness_sim.urls['miniprogram']}/_sim/request-domains"
    merchant = harness_sim.urls["merchant"]
    async with http.get(base) as resp:
        assert await resp.json() == {"serverDomains": [merchant], "always": merchant}
    listed = await allow(http, harness_sim, "http://127.0.0.1:9000/", "https://API.example.com:443")
    assert listed["serverDomains"] == [merchant, "http://127.0.0.1:9000", "https://api.example.com"]
    for bad in ({"serverDomains": ["ftp://x"]}, {"serverDomains": ["https://x.test/path"]}, {"serverDomains": "x"}, []):
        async with http.put(base, json=bad) as resp:
            assert resp.status == 400 and (await resp.json())["error"]["code"] in ("BAD_DOMAINS",)
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
            assert resp.status == 403 and (await resp.json())["error"]["code"] == "FORBIDDEN"
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


async def test_a_cookie_set_upstream_never_goes_along_again(harness_sim, http, upstream):
    """The container is one server for every user of the simulator: a Set-Cookie one
    request received must not ride along on the next (the platform's my.request keeps no
    cookie jar)."""
    named = upstream.url.replace("127.0.0.1", "localhost")  # a jar keeps no cookie of a bare IP
    await allow(http, harness_sim, named)
    url = f"{harness_sim.urls['miniprogram']}/__container/request"
    async with http.post(url, json={"url": named + "/cookie", "method": "POST"}) as resp:
        reply = await resp.json()
        assert reply["ok"] is True and "session=alice" in reply["headers"]["set-cookie"]
    async with http.post(url, json={"url": named + "/echo", "method": "POST"}) as resp:
        reply = await resp.json()
    echo = json.loads(base64.b64decode(reply["body"]))
    assert echo["path"] == "/echo" and "cookie" not in echo["headers"]
