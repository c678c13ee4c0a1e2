"""The signer process (``--signer process``): the signatures it makes are the ones the
loop would make, it keeps them in order under concurrency, it survives its own death,
it ends with its owner, and its key never shows on a command line or in an environment."""

import asyncio
import itertools
import math
import os
from pathlib import Path

import pytest

from simulator.core import signer as signer_mod
from simulator.core import signing
from simulator.core.signer import ProcessSigner, Signer
from simulator.launch.settings import APPS, Settings
from simulator.testing.sim import wait_for

KEYS = signing.generate_key_pair()


def content(i: int) -> bytes:
    return signing.content_to_sign(
        "POST",
        "/aps/api/v1/payments/pay",
        "SANDBOX_X",
        f"2026-11-26T01:00:{i % 60:02d}+00:00",
        b'{"paymentRequestId":"PR%d"}' % i,
    )


@pytest.fixture
async def process_signer():
    s = ProcessSigner(KEYS.private_pem)
    await s.start()
    yield s
    await s.close()


async def test_signatures_are_the_loops_own_and_verify(process_signer):
    # PKCS#1 v1.5 is deterministic: the child must give exactly what signing here gives.
    for i in range(3):
        made = await process_signer.sign(content(i))
        assert made == signing.sign_content(KEYS.private_pem, content(i))
        assert signing.verify(
            KEYS.public_pem,
            "POST",
            "/aps/api/v1/payments/pay",
            "SANDBOX_X",
            f"2026-11-26T01:00:{i:02d}+00:00",
            b'{"paymentRequestId":"PR%d"}' % i,
            made,
        )
    assert process_signer.running


async def test_concurrent_signatures_come_back_to_their_callers(process_signer):
    made = await asyncio.gather(*(process_signer.sign(content(i)) for i in range(200)))
    inline = Signer(KEYS.private_pem)
    assert made == [await inline.sign(content(i)) for i in range(200)]


async def test_a_cancelled_caller_does_not_shift_the_others(process_signer):
    pid = process_signer._proc.pid
    first = asyncio.ensure_future(process_signer.sign(content(1)))
    second = asyncio.ensure_future(process_signer.sign(content(2)))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == signing.sign_content(KEYS.private_pem, content(2))
    assert await process_signer.sign(content(3)) == signing.sign_content(KEYS.private_pem, content(3))
    assert process_signer.running and process_signer._proc.pid == pid  # answered by the child, not the fallback


async def test_a_killed_signer_costs_no_signature_and_comes_back(process_signer):
    process_signer._restart_delay = 0.05
    pid = process_signer._proc.pid
    in_flight = [asyncio.ensure_future(process_signer.sign(content(i))) for i in range(20)]
    os.kill(pid, 9)
    # Whatever it had in hand is signed on the loop instead: every caller gets its own.
    assert await asyncio.gather(*in_flight) == [signing.sign_content(KEYS.private_pem, content(i)) for i in range(20)]
    assert await process_signer.sign(content(7)) == signing.sign_content(KEYS.private_pem, content(7))

    async def started_again():
        return process_signer.running and process_signer._proc.pid != pid

    await wait_for(started_again)
    assert await process_signer.sign(content(8)) == signing.sign_content(KEYS.private_pem, content(8))


async def test_close_ends_the_child_and_later_signatures_are_made_here():
    s = ProcessSigner(KEYS.private_pem)
    await s.start()
    proc = s._proc
    await s.close()
    assert proc.returncode == 0
    assert not s.running
    assert await s.sign(content(1)) == signing.sign_content(KEYS.private_pem, content(1))


async def test_the_key_is_on_no_command_line_and_in_no_environment(process_signer):
    pid = process_signer._proc.pid
    marker = KEYS.private_pem.splitlines()[1].encode()  # a line of the key's base64
    assert marker not in Path(f"/proc/{pid}/cmdline").read_bytes()
    assert marker not in Path(f"/proc/{pid}/environ").read_bytes()


@pytest.mark.parametrize(
    ("signer", "processes", "apps", "cores", "expected"),
    [
        ("auto", 2, APPS, 2, False),  # the simulator and its load fill two cores already
        ("auto", 2, APPS, 4, True),
        ("auto", 2, ("wallet",), 2, True),  # the wallet alone leaves the second core to its signer
        ("auto", 2, ("wallet",), 1, False),
        ("auto", 1, ("wallet",), 16, False),  # one process means one process
        ("auto", 1, APPS, 16, False),
        ("process", 1, APPS, 2, True),  # asked for, given
        ("inline", 2, ("wallet",), 16, False),
    ],
)
def test_where_the_wallet_signs(signer, processes, apps, cores, expected):
    assert Settings(signer=signer, processes=processes, apps=apps).signer_process(cores) is expected


async def test_a_signer_that_cannot_start_backs_off_and_signing_goes_on(monkeypatch):
    monkeypatch.setattr(signer_mod, "RESTART_AFTER_SECONDS", 0.01)
    s = ProcessSigner(KEYS.private_pem, command=("/bin/sh", "-c", "exit 3"))
    await s.start()
    try:
        delays = [s._restart_delay]
        for i in range(4):
            assert await s.sign(content(i)) == signing.sign_content(KEYS.private_pem, content(i))

            async def failed_again(last=delays[-1]):  # the next failed start
                return s._restart_delay != last

            await wait_for(failed_again)
            delays.append(s._restart_delay)
        # Each failed start waits twice as long (a slow loop may see two doublings at once).
        steps = [round(math.log2(d / 0.01), 6) for d in delays]
        assert steps[0] == 0 and all(b > a for a, b in itertools.pairwise(steps)) and all(x == int(x) for x in steps)
        assert delays[-1] <= signer_mod.RESTART_AT_MOST_SECONDS
    finally:
        await s.close()


def test_frames_split_across_reads_are_put_back_together():
    """Pipes deliver what they have: a frame may arrive in pieces, several in one read."""
    wire = signer_mod._frame(b"first") + signer_mod._frame(b"") + signer_mod._frame(b"x" * 70_000)
    buffer, got = bytearray(), []
    for start in range(0, len(wire), 3):
        buffer += wire[start : start + 3]
        got += signer_mod._take_frames(buffer)
    assert got == [b"first", b"", b"x" * 70_000] and buffer == bytearray()
    buffer = bytearray(wire[:6])
    assert signer_mod._take_frames(buffer) == [] and len(buffer) == 6  # a partial frame waits
