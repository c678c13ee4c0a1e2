"""The journal keeps what it is given, even when what it is given is hostile."""

import json

from simulator.core.clock import Clock
from simulator.core.db import Database
from simulator.core.journal import SCHEMA, Journal, http_summary


async def test_hostile_bodies_are_stored_and_never_cost_other_events(tmp_path):
    db = await Database(tmp_path / "j.sqlite3", SCHEMA).open()
    journal = Journal(db, "test", Clock().now)
    await journal.start()
    try:
        deep = "[" * 5000 + "]" * 5000
        journal.record(5, "deep", order_id="O1", http=http_summary("POST", "/x", request_body=deep))
        journal.record(6, "surrogate \ud800 in text", order_id="O1", details={"name": "\udfff"})
        journal.record(7, "plain", order_id="O1")
        events = await journal.query(order_id="O1")
        assert [e["step"] for e in events] == [5, 6, 7]
        assert events[0]["http"]["requestBody"].startswith("[[[")
        assert "\ud800" in events[1]["summary"]
        json.dumps(events)  # what /_sim/events will serve
    finally:
        await journal.stop()
        await db.close()


async def test_secrets_are_masked_before_storage(tmp_path):
    db = await Database(tmp_path / "j.sqlite3", SCHEMA).open()
    journal = Journal(db, "test", Clock().now)
    await journal.start()
    try:
        journal.record(
            14,
            "confirm",
            order_id="O2",
            details={"password": "111111", "account": "a"},
            http=http_summary("POST", "/c", request_body='{"password": "111111", "privateKey": "x"}'),
        )
        [event] = await journal.query(order_id="O2")
        assert event["details"] == {"password": "[redacted]", "account": "a"}
        assert event["http"]["requestBody"] == {"password": "[redacted]", "privateKey": "[redacted]"}
    finally:
        await journal.stop()
        await db.close()


def test_events_with_request_headers_stay_on_orjson():
    """Header names from aiohttp are multidict's istr, a str subclass orjson refuses: the
    journal's JSON must not fall back to the (several times slower) standard library."""
    import orjson
    from multidict import CIMultiDict, istr

    from simulator.core import jsonio

    headers = CIMultiDict({"Client-Id": "SANDBOX_X", "Cookie": "s=1", istr("Signature"): "algorithm=RSA256,..."})
    summary = http_summary(
        "POST",
        "/aps/api/v1/payments/pay",
        request_headers=headers,
        request_body=b'{"paymentRequestId":"PR1"}',
        response_headers={"client-id": "SANDBOX_X"},
    )
    assert orjson.loads(orjson.dumps(summary))["requestHeaders"]["Cookie"] == "[redacted]"  # raises if any istr is left
    assert jsonio.dumps({istr("k"): istr("v"), "n": [istr("x")]}) == b'{"k":"v","n":["x"]}'


def test_a_body_that_spells_a_secret_with_escapes_is_still_redacted():
    summary = http_summary("POST", "/x", request_body=b'{"\\u0070assword": "hunter2", "x": "\\u0041"}')
    assert summary["requestBody"] == {"password": "[redacted]", "x": "A"}


def test_bodies_already_parsed_are_not_parsed_again_and_are_still_screened(monkeypatch):
    """The wallet hands its parsed request and the reply it serialised to the journal:
    no second parse, and the raw bytes still decide whether a body is walked for secrets."""
    from simulator.core import journal as journal_mod

    parsed_again = []
    real_loads = journal_mod.jsonio.loads
    monkeypatch.setattr(journal_mod.jsonio, "loads", lambda data: parsed_again.append(data) or real_loads(data))
    request, reply = {"paymentRequestId": "PR1"}, {"result": {"resultStatus": "S"}}
    summary = http_summary(
        "POST",
        "/pay",
        request_body=b'{"paymentRequestId":"PR1"}',
        request_json=request,
        response_body=b'{"result":{"resultStatus":"S"}}',
        response_json=reply,
    )
    assert summary["requestBody"] == request and summary["responseBody"] == reply
    assert parsed_again == []
    secret = http_summary("POST", "/x", request_body=b'{"password":"hunter2"}', request_json={"password": "hunter2"})
    assert secret["requestBody"] == {"password": "[redacted]"}


# --- The block index (simulator/core/journal_index.py) ------------------------------------

import random  # noqa: E402
import sqlite3  # noqa: E402

from simulator.core import journal_index  # noqa: E402


def _journeys(count: int, seed: int) -> list[dict]:
    """Events as the apps record them: some with the order only, some with every id, some
    (a notification, an inquiry) with a payment's ids and no order; ids reused across
    orders never."""
    rng = random.Random(seed)
    out = []
    for j in range(count):
        order, prid, pid = f"ORD{j:04d}", f"PR{j:04d}x{rng.randrange(10**6)}", f"2026112611400000{j:016d}"
        out.append({"order_id": order})
        out.append({"order_id": order, "payment_request_id": prid})
        if rng.random() < 0.8:
            out.append({"order_id": order, "payment_request_id": prid, "payment_id": pid})
            out.append({"payment_request_id": prid, "payment_id": pid})  # no order: linked through the others
            out.append({"payment_id": pid})
    rng.shuffle(out)  # journeys interleave, as under load
    return out


def _expected(events: list[dict], *, order_id=None, payment_request_id=None, payment_id=None, after_id=0):
    prids = {e.get("payment_request_id") for e in events if order_id and e.get("order_id") == order_id} - {None}
    pids = {e.get("payment_id") for e in events if order_id and e.get("order_id") == order_id} - {None}
    out = []
    for e in events:
        if e["id"] <= after_id:
            continue
        if order_id and not (
            e.get("order_id") == order_id or e.get("payment_request_id") in prids or e.get("payment_id") in pids
        ):
            continue
        if payment_request_id and e.get("payment_request_id") != payment_request_id:
            continue
        if payment_id and e.get("payment_id") != payment_id:
            continue
        out.append(e["id"])
    return out


async def _open(path, block_events):
    db = await Database(path, SCHEMA).open()
    journal = Journal(db, "test", Clock().now, block_events=block_events)
    await journal.start()
    return journal, db


async def _close(journal, db):
    await journal.stop()
    await db.close()


async def _record_all(journal, events):
    for e in events:
        e["id"] = journal.record(None, "e", kind="note", **e)
    await journal.flush()
    for e in events:  # the id the journal gave it
        e["id"] = e.pop("id")["id"]


async def _check_queries(journal, events, rng):
    orders = sorted({e["order_id"] for e in events if e.get("order_id")})
    for order in [*rng.sample(orders, 12), "ORD-none"]:
        got = [e["id"] for e in await journal.query(order_id=order, order="time")]
        assert sorted(got) == _expected(events, order_id=order), order
    sample = rng.sample(events, 25)
    for e in sample:
        if e.get("payment_request_id"):
            got = [x["id"] for x in await journal.query(payment_request_id=e["payment_request_id"])]
            assert sorted(got) == _expected(events, payment_request_id=e["payment_request_id"])
        if e.get("payment_id"):
            after = e["id"] - 3
            got = [x["id"] for x in await journal.query(payment_id=e["payment_id"], after_id=after)]
            assert sorted(got) == _expected(events, payment_id=e["payment_id"], after_id=after)
        if e.get("order_id") and e.get("payment_id"):
            got = [x["id"] for x in await journal.query(order_id=e["order_id"], payment_id=e["payment_id"])]
            assert sorted(got) == _expected(events, order_id=e["order_id"], payment_id=e["payment_id"])


async def test_lookups_by_id_over_many_blocks_find_exactly_the_journeys_events(tmp_path):
    journal, db = await _open(tmp_path / "j.sqlite3", block_events=16)
    try:
        events = _journeys(150, seed=1)
        await _record_all(journal, events)
        rng = random.Random(2)
        await _check_queries(journal, events, rng)
        # Full blocks have their filters stored, the newest is in memory.
        stored = {row["block"] for row in await db.scan("SELECT block FROM event_blooms", ())}
        newest = journal.index.block_of(max(e["id"] for e in events))
        assert stored == set(range(newest))
        # A lookup reads only the blocks whose events carry the id (no false positives at
        # this size, by the filter's arithmetic).
        pid = next(e["payment_id"] for e in events if e.get("payment_id"))
        holding = {journal.index.block_of(e["id"]) for e in events if e.get("payment_id") == pid}
        assert journal.index.blocks_with([pid]) == holding
    finally:
        await _close(journal, db)


async def test_the_index_survives_a_restart_and_goes_on(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal, db = await _open(path, block_events=16)
    events = _journeys(60, seed=3)
    await _record_all(journal, events)
    await _close(journal, db)

    journal, db = await _open(path, block_events=16)  # the newest block's filter is rebuilt from its rows
    try:
        rng = random.Random(4)
        await _check_queries(journal, events, rng)
        more = _journeys(60, seed=5)
        for e in more:  # new orders, same shapes: keep ids apart from the first run's
            for key in list(e):
                e[key] = "B" + e[key]
        await _record_all(journal, more)
        await _check_queries(journal, events + more, rng)
    finally:
        await _close(journal, db)


async def test_a_journal_from_before_the_index_is_indexed_when_opened(tmp_path):
    """A journal written by the previous design (an SQLite index per id, no filters) keeps
    its events: they are filtered once at start, and the old indexes are dropped."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, step INTEGER,
            kind TEXT NOT NULL, actor TEXT NOT NULL, order_id TEXT, payment_request_id TEXT, payment_id TEXT,
            data TEXT NOT NULL);
        CREATE INDEX events_order ON events(order_id);
        CREATE INDEX events_prid ON events(payment_request_id);
        CREATE INDEX events_pid ON events(payment_id);
    """)
    events = _journeys(40, seed=6)
    for e in events:
        cur = conn.execute(
            "INSERT INTO events (at, step, kind, actor, order_id, payment_request_id, payment_id, data)"
            " VALUES ('2026-11-26T00:00:00.000000+00:00', NULL, 'note', 'test', ?, ?, ?, ?)",
            (
                e.get("order_id"),
                e.get("payment_request_id"),
                e.get("payment_id"),
                json.dumps({"summary": "old", "orderId": e.get("order_id")}),
            ),
        )
        e["id"] = cur.lastrowid
    conn.commit()
    conn.close()

    journal, db = await _open(path, block_events=16)
    try:
        indexes = {row["name"] for row in await db.scan("SELECT name FROM sqlite_master WHERE type = 'index'", ())}
        assert not indexes & {"events_order", "events_prid", "events_pid"}
        stored = {row["block"] for row in await db.scan("SELECT block FROM event_blooms", ())}
        assert stored == set(range(journal.index.block_of(len(events) + 1)))
        await _check_queries(journal, events, random.Random(7))
        order = next(e["order_id"] for e in events if e.get("order_id"))
        assert {e["summary"] for e in await journal.query(order_id=order)} == {"old"}  # the rows as written
    finally:
        await _close(journal, db)


async def test_clearing_the_journal_clears_the_filters(tmp_path):
    journal, db = await _open(tmp_path / "j.sqlite3", block_events=4)
    try:
        journal.record(None, "before", kind="note", order_id="O1", payment_id="P1")
        for i in range(9):
            journal.record(None, "filler", kind="note", order_id=f"F{i}")
        await journal.flush()
        await journal.clear()
        assert await journal.query(order_id="O1") == []
        assert await db.scan("SELECT block FROM event_blooms", ()) == []
        journal.record(None, "after", kind="note", order_id="O1", payment_id="P1")
        [event] = await journal.query(payment_id="P1")
        assert event["summary"] == "after"
        assert [e["summary"] for e in await journal.query(order_id="O1")] == ["after"]
    finally:
        await _close(journal, db)


def test_filters_are_the_same_in_every_process():
    """Stored filters are read by later processes: positions must not depend on Python's
    per-process string hashing. Two interpreters with different hash seeds (their ``hash``
    of the id differs: the control) must find the same positions as this one."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from simulator.core.journal_index import positions; print(hash('ORD0001')); print(list(positions('ORD0001')))"
    )
    seen = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
            cwd=str(Path(__file__).parents[2]),
        )
        seen.append(done.stdout.split("\n")[:2])
    (hash_1, positions_1), (hash_2, positions_2) = seen
    assert hash_1 != hash_2  # the seeds do change str hashing
    assert positions_1 == positions_2 == str(list(journal_index.positions("ORD0001")))


async def test_lookups_read_no_filters_from_the_table(tmp_path, monkeypatch):
    """Every filter is in memory (read once at open): a lookup reads only the blocks that
    may match, never the filters table, and still finds events in stored blocks, in the
    newest block, and in a block stored while the lookup was under way."""
    path = tmp_path / "j.sqlite3"
    journal, db = await _open(path, block_events=4)
    for i in range(3):
        journal.record(None, "early", kind="note", order_id="O-EARLY", payment_id=f"P{i}")
    for i in range(6):
        journal.record(None, "filler", kind="note", order_id=f"F{i}")
    await _close(journal, db)

    journal, db = await _open(path, block_events=4)  # block 0 and 1 stored, read back at open
    try:
        journal.record(None, "late", kind="note", order_id="O-LATE")
        await journal.flush()
        assert journal.index.unstored() == {2}
        real_scan = db.scan
        reads = []

        async def scan(sql, params=()):
            assert "event_blooms" not in sql
            reads.append(sql)
            rows = await real_scan(sql, params)
            if len(reads) == 1:  # mid-lookup, the writer fills block 2 and stores its filter
                for _ in range(4):
                    journal.record(None, "more", kind="note", order_id="O-LATE")
                await journal.flush()
                assert 2 not in journal.index.unstored()
            return rows

        monkeypatch.setattr(db, "scan", scan)
        assert [e["summary"] for e in await journal.query(order_id="O-EARLY")] == ["early"] * 3
        assert [e["summary"] for e in await journal.query(payment_id="P1")] == ["early"]
        assert {e["summary"] for e in await journal.query(order_id="O-LATE")} == {"late", "more"}
        assert {journal.index.block_of(e["id"]) for e in await journal.query(order_id="O-LATE")} == {2, 3}
    finally:
        monkeypatch.undo()
        await _close(journal, db)


def test_filter_positions_are_the_double_hashing_of_the_whole_digest():
    """``positions`` reads only the low 16 bits of each half of the digest: the same bits as
    (h1 + i * h2) mod 65,536 over the full 64-bit halves, which filters already stored
    were made with."""
    import hashlib

    nbits = journal_index.BLOOM_BYTES * 8
    for key in ["ORD0001", "", "é-ü", "20261126114012345678901234567890", *(f"k{i}" for i in range(2000))]:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        h1, h2 = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
        assert journal_index.positions(key) == tuple((h1 + i * h2) % nbits for i in range(journal_index.BLOOM_HASHES))
