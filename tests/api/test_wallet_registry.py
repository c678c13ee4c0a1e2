"""Every operation of the registry (``wallet_mock/operations.py``) reaches every surface
derived from it, over HTTP: it answers at each of its paths (a signed call reaches its
parser, not NO_INTERFACE_DEF), ``/openapi.json`` documents each path with the operation's
result codes, and an API fault armed on its name fires at each of its paths. Nothing is
served under the API's prefixes that the registry does not declare."""

from __future__ import annotations

import pytest
from wallet_helpers import profile_api

from wallet_mock.faults import API_ENDPOINTS
from wallet_mock.operations import FAMILIES, FAMILY_AT, OPERATION_AT, PREFIXES, PROFILES

# The wallet's API alone: no other app is started (tests/conftest.py, sim).
pytestmark = pytest.mark.apps("wallet")


def _declared() -> list[tuple[str, str]]:
    """(path, operation name) for every path every family serves."""
    return [(path, op.name) for family in FAMILIES for op in family.operations for path in family.paths(op)]


async def test_every_declared_path_answers_with_its_operation(sim, http):
    assert len(_declared()) >= 5 * 3 + 6
    merchants = {profile: await profile_api(sim, http, profile) for profile in PROFILES}
    for path, name in _declared():
        for profile, api in merchants.items():
            exchange = await api.client.post(api.base_url + path, {})  # signed, but asks for nothing
            reply = exchange.json()
            assert exchange.response_signature_valid is True, path
            if FAMILY_AT[path].profile == profile:
                # the operation's parser refused the empty request; an undeclared path would be 404
                expected = (200, "PARAM_ILLEGAL")
            else:  # another profile's path: that profile's "not allowed" code
                expected = (200, PROFILES[FAMILY_AT[path].profile].not_allowed)
            assert (exchange.status, reply["result"]["resultCode"]) == expected, (path, name, profile, reply)
    for family in FAMILIES:
        api = merchants[family.profile]
        exchange = await api.client.post(api.base_url + family.prefixes[0] + "/payMe", {})
        assert (exchange.status, exchange.json()["result"]["resultCode"]) == (404, "NO_INTERFACE_DEF")


async def test_every_declared_path_is_in_the_openapi_document(api):
    documented: dict[str, dict] = {}
    for path, item in api.document["paths"].items():
        if "post" in item and path.startswith(PREFIXES):
            for at in (path, *item["post"]["x-also-at"]):
                assert at not in documented, f"{at} documented twice"
                documented[at] = item["post"]
    assert set(documented) == {path for path, _ in _declared()}
    for path, name in _declared():
        op = OPERATION_AT[path]
        assert documented[path]["operationId"].rsplit(".", 1)[-1] == name
        assert set(op.result_codes) <= set(documented[path]["x-result-codes"]), path


async def test_a_fault_on_an_operation_fires_at_each_of_its_paths(sim, api, http):
    """A fault names an operation, in every profile that has it (pay, refund, ...)."""
    wallet = sim.urls["wallet"]
    assert set(API_ENDPOINTS) == {name for _, name in _declared()} | {"*"}
    for path, name in _declared():
        async with http.post(f"{wallet}/_sim/faults", json={"endpoint": name, "kind": "http_503"}) as resp:
            assert resp.status == 201, await resp.text()
        exchange = await api.client.post(api.base_url + path, {})
        assert exchange.status == 503, (path, name)


def test_nothing_is_routed_under_the_api_prefixes_but_the_registry(sim):
    app = sim.app("wallet")
    served = {
        resource.canonical
        for resource in app.router.resources()
        if resource.canonical.startswith(PREFIXES) and "{" not in resource.canonical
    }
    assert served - set(PREFIXES) == set(OPERATION_AT)
