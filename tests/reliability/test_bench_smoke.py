"""make bench's moving parts, small: the pay-only load and the journey load run against
a simulator and check what they get (a broken generator must fail, not report)."""

import asyncio

import pytest

from bench import journeys, pay_load, rawhttp


async def test_pay_only_load_checks_every_reply(sim):
    result = await pay_load.run(sim.urls["wallet"], 40, 4)
    assert result["count"] == 40 and result["latency_ms"]["n"] == 40 and result["per_s"] > 0


async def test_journey_load_ends_with_every_order_paid(sim):
    result = await journeys.run(sim.urls, 12, 4)
    assert result["count"] == 12
    assert result["steps"]["order"]["n"] == 12 and result["steps"]["wallet_pay"]["n"] == 12
    assert result["steps"]["debit_to_paid"]["n"] == 12


async def test_the_raw_client_refuses_a_reply_it_cannot_read():
    async def answer(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        await writer.drain()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    client = rawhttp.Client()
    try:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(rawhttp.ReplyError, match="Content-Length"):
            await asyncio.wait_for(client.request("GET", f"http://127.0.0.1:{port}/"), 5)
    finally:
        client.close()
        server.close()
