"""The container's side of my.request, without a browser: the call it accepts (the 60 s
timeout cap), the domain mappings and the cookie jars kept per device."""

from __future__ import annotations

import pytest

from miniprogram_mock.container import MAX_TIMEOUT_MS, RequestFailed, parse_spec
from miniprogram_mock.cookies import CookieJars, cookie_header
from miniprogram_mock.domains import DomainError, ServerDomains, parse_mapping, parse_mappings

MERCHANT = "http://127.0.0.1:8200"


def test_the_timeout_is_cut_to_60_seconds_and_defaults_to_30():
    assert MAX_TIMEOUT_MS == 60_000
    assert parse_spec({"url": "https://a.example/x", "timeout": 120_000}).timeout_ms == 60_000
    assert parse_spec({"url": "https://a.example/x", "timeout": 1500}).timeout_ms == 1500
    assert parse_spec({"url": "https://a.example/x"}).timeout_ms == 30_000


@pytest.mark.parametrize("device", ["../x", "a" * 65, 5, "a b"])
def test_a_malformed_device_id_is_refused_with_2(device):
    with pytest.raises(RequestFailed) as caught:
        parse_spec({"url": "https://a.example/x", "device": device})
    assert caught.value.code == 2


def test_a_mapping_routes_the_domain_to_its_local_server_and_back():
    domains = ServerDomains(MERCHANT, mappings=parse_mappings(["https://api.shop.example=http://127.0.0.1:9000"]))
    assert domains.allows("https://api.shop.example/orders?id=1")
    assert not domains.allows("http://127.0.0.1:9000/orders")  # the domain is on the list, not its server
    assert str(domains.route("https://API.shop.example:443/a%20b/c?x=1&y=%C3%A9")) == (
        "http://127.0.0.1:9000/a%20b/c?x=1&y=%C3%A9"
    )
    # A path that looks like another authority stays a path on the local server.
    assert str(domains.route("https://api.shop.example//evil.example/x")) == "http://127.0.0.1:9000//evil.example/x"
    assert str(domains.route("https://elsewhere.example/x")) == "https://elsewhere.example/x"
    assert domains.unroute("http://127.0.0.1:9000/next?a=1") == "https://api.shop.example/next?a=1"
    assert domains.unroute("http://127.0.0.1:9001/next") == "http://127.0.0.1:9001/next"
    assert domains.to_json()["domainMappings"] == {"https://api.shop.example": "http://127.0.0.1:9000"}
    # The developer's entries never remove a mapped domain from the list.
    domains.replace(["https://api.shop.example", "http://127.0.0.1:7000"])
    assert domains.origins() == (MERCHANT, "https://api.shop.example", "http://127.0.0.1:7000")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("https://api.shop.example", "must be DOMAIN=LOCAL"),
        ("https://a.example=http://b=c", "must be DOMAIN=LOCAL"),
        ("https://api.shop.example/v1=http://127.0.0.1:9000", "must be an origin only"),
        ("ftp://api.shop.example=http://127.0.0.1:9000", "is not an http(s) origin"),
        ("https://api.shop.example=127.0.0.1:9000", "is not an http(s) origin"),
    ],
)
def test_a_malformed_mapping_says_what_is_wrong(entry, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_mapping(entry)


def test_a_domain_mapped_to_two_servers_is_refused():
    with pytest.raises(DomainError, match="mapped twice"):
        parse_mappings(["https://a.example=http://127.0.0.1:1", "https://a.example=http://127.0.0.1:2"])
    assert parse_mappings(["https://a.example=http://127.0.0.1:1"] * 2) == {"https://a.example": "http://127.0.0.1:1"}
    # The pytest plugin's settings may give one string, as the environment variable does.
    assert parse_mappings("https://a.example=http://127.0.0.1:1, https://b.example=http://127.0.0.1:2") == {
        "https://a.example": "http://127.0.0.1:1",
        "https://b.example": "http://127.0.0.1:2",
    }


async def test_each_device_has_its_own_jar_and_the_oldest_goes_first():
    from http.cookies import SimpleCookie

    from yarl import URL

    jars = CookieJars(max_devices=2)
    jars.jar("phone-a").update_cookies(SimpleCookie("session=alice; Path=/"), URL("http://127.0.0.1:9000/login"))
    assert cookie_header(jars.jar("phone-a"), "http://127.0.0.1:9000/orders") == "session=alice"
    assert cookie_header(jars.jar("phone-b"), "http://127.0.0.1:9000/orders") is None
    assert cookie_header(jars.jar("phone-a"), "http://localhost:9000/orders") is None  # another host
    # (not another port: cookies are per host, RFC 6265 section 8.5, as in a browser)
    assert cookie_header(jars.jar("phone-a"), "http://127.0.0.1:9001/orders") == "session=alice"
    jars.jar("phone-c")  # a third device: phone-b, the least recently used, is forgotten
    assert len(jars) == 2
    assert cookie_header(jars.jar("phone-a"), "http://127.0.0.1:9000/") == "session=alice"
    jars.clear()
    assert cookie_header(jars.jar("phone-a"), "http://127.0.0.1:9000/") is None
