"""The diagram model and the trace text, from events as the apps record them: retries,
faults and notes are marked, missing steps show as pending, offsets read naturally."""

from simulator.console import diagram, journeys
from simulator.core.steps import LANES, STEPS
from simulator.launch.trace import render


def event(id, step, at, kind="step", app="wallet", actor=None, summary="", **extra):
    return {
        "id": id,
        "app": app,
        "step": step,
        "kind": kind,
        "actor": actor or (STEPS[step].actor if step else "wallet server"),
        "at": f"2026-11-25T10:00:{at:06.3f}+00:00",
        "orderId": "ORD1",
        "summary": summary or f"step {step}",
        **extra,
    }


NOTIFY_HTTP = {
    "method": "POST",
    "url": "http://127.0.0.1:1/api/notify/payment",
    "status": 500,
    "elapsedMs": 3.2,
    "requestHeaders": {"Signature": "algorithm=RSA256,keyVersion=1,signature=abc"},
    "requestBody": {"notifyType": "PAYMENT_RESULT"},
}


def sample():
    return [
        event(1, 1, 0.0, app="miniprogram"),
        event(2, 17, 1.5, summary="debited USD 9.00"),
        event(3, 19, 1.6, summary="notifyPayment attempt 1: not acknowledged", http=NOTIFY_HTTP),
        event(4, 19, 3.0, kind="retry", summary="notifyPayment attempt 2: acknowledged"),
        event(
            5,
            19,
            2.9,
            kind="note",
            app="merchant",
            actor="merchant server",
            summary="order ORD1 PAID (from notification)",
        ),
        event(6, None, 3.1, kind="note", summary="inquiryPayment: S SUCCESS"),
        event(7, 16, 1.4, kind="fault", summary="refused: wrong payment password (4 tries left)"),
        event(8, 18, 2.5, app="miniprogram", details={"resultCode": "9000"}),
    ]


def test_rows_follow_the_steps_with_retries_faults_and_notes_marked():
    model = diagram.build(sample())
    rows = [(r["step"], r["kind"]) for r in model["rows"] if r["kind"] != "pending"]
    assert rows == [
        (1, "step"),
        (16, "fault"),
        (17, "step"),
        (18, "step"),
        (19, "step"),
        (19, "retry"),
        (19, "note"),
        (None, "note"),
    ]
    by_kind = {r["kind"]: r for r in model["rows"]}
    retry = by_kind["retry"]
    assert (LANES[retry["source"]], LANES[retry["target"]]) == ("wallet server", "merchant server")
    assert retry["shape"] == "arrow" and retry["offset"] == "+3.00 s"
    note = next(r for r in model["rows"] if r["kind"] == "note" and r["step"] == 19)
    assert note["shape"] == "note" and LANES[note["source"]] == "merchant server"
    assert by_kind["fault"]["shape"] == "self" and by_kind["fault"]["title"] == STEPS[16].title
    first = next(r for r in model["rows"] if r["step"] == 19 and r["kind"] == "step")
    assert first["httpLabel"] == "POST /api/notify/payment → 500 · 3 ms"
    assert model["pendingSteps"] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20]
    pending = [r["step"] for r in model["rows"] if r["kind"] == "pending"]
    assert pending == model["pendingSteps"] and model["duration"] == "3.10 s"


def test_time_order_puts_what_happened_first_first():
    rows = diagram.build(sample(), "time")["rows"]
    recorded = [r for r in rows if r["kind"] != "pending"]
    assert [r["offsetMs"] for r in recorded] == sorted(r["offsetMs"] for r in recorded)
    assert rows[-1]["kind"] == "pending", "steps still to come close the list"


def test_offsets_read_like_a_person_would_say_them():
    assert [diagram.format_offset(ms) for ms in (0, 312.4, 1240, 125_000, 11_220_000)] == [
        "+0 ms",
        "+312 ms",
        "+1.24 s",
        "+2 min 05 s",
        "+3 h 07 min",
    ]


def test_summary_marks_retries_faults_and_the_outcome():
    s = journeys.summarize("ORD1", sample())
    assert s["retries"] == 1 and s["faults"] == 1 and s["outcome"]["label"] == "Paid"
    assert s["status"] == "PAID" and not s["complete"] and s["stepCount"] == 5


def test_trace_prints_a_numbered_list_with_marks():
    events = sample()
    text = render({"orderId": "ORD1", "summary": journeys.summarize("ORD1", events), "events": events})
    lines = text.splitlines()
    assert lines[0] == "Journey ORD1" and "PAID" in lines[1] and "1 retry · 1 fault" in lines[1]
    numbered = [line[:3].strip(" .") for line in lines[3:] if line[:3].strip(" .").isdigit()]
    assert numbered == [str(n) for n in range(1, 21)]
    assert any("↻ retry notifyPayment (signed): notifyPayment attempt 2" in line for line in lines)
    assert any("✕ fault" in line and "wrong payment password" in line for line in lines)
    assert any("on Merchant server" in line and "note order ORD1 PAID" in line for line in lines)
    assert any(line.startswith(" 2.") and "(not recorded)" in line for line in lines)


INQUIRY_HTTP = {"method": "POST", "url": "http://127.0.0.1:1/aps/api/v1/payments/inquiryPayment", "status": 200}


def poll(id, at, app, status="PENDING"):
    return event(
        id, 20 if app == "merchant" else None, at, kind="note", app=app,
        actor="merchant server" if app == "merchant" else "wallet server",
        summary=f"inquiryPayment: payment {status} (S SUCCESS)", http=INQUIRY_HTTP,
    )  # fmt: skip


def test_polls_fold_into_one_row_per_answer_and_a_step_between_them_ends_the_run():
    events = [event(1, 18, 1.0, app="miniprogram", details={"resultCode": "8000"})]
    events += [poll(10 + i, 2 + i / 10, app) for i, app in enumerate(["wallet", "merchant"] * 3)]
    events += [event(30, 19, 3.0, summary="notifyPayment attempt 1: acknowledged")]
    events += [poll(40, 3.5, "wallet", "SUCCESS"), poll(41, 3.6, "merchant", "SUCCESS")]
    events += [poll(42, 3.7, "wallet"), poll(43, 3.8, "merchant")]  # after the step: a new run
    rows = [r for r in diagram.build(events, "time")["rows"] if r["kind"] == "note"]
    assert [(r["summary"].split()[2], r["count"], r["apps"]) for r in rows] == [
        ("PENDING", 3, ["wallet", "merchant"]),
        ("SUCCESS", 1, ["wallet", "merchant"]),
        ("PENDING", 1, ["wallet", "merchant"]),
    ]
    assert rows[0]["offset"] == "+1.00 s" and rows[0]["lastOffset"] == "+1.50 s"
    text = render({"orderId": "ORD1", "summary": journeys.summarize("ORD1", events), "events": events}, "time")
    assert sum("inquiryPayment: payment PENDING" in line for line in text.splitlines()) == 2
    assert any("×3 (last +1.50 s)" in line for line in text.splitlines())
