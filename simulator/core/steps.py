"""The 20 steps of a journey, written down once: who performs each, which lanes its arrow
joins in the console's sequence diagram, and what it means."""

from __future__ import annotations

from dataclasses import dataclass

USER = "user"
MINI_PROGRAM = "mini program"
MERCHANT = "merchant server"
WALLET_SERVER = "wallet server"
WALLET_APP = "wallet app"

LANES = (USER, MINI_PROGRAM, MERCHANT, WALLET_SERVER, WALLET_APP)


@dataclass(frozen=True)
class Step:
    number: int
    actor: str
    source: str
    target: str
    title: str


STEPS: dict[int, Step] = {
    s.number: s
    for s in (
        Step(1, USER, USER, MINI_PROGRAM, "chooses goods, presses Pay"),
        Step(2, MINI_PROGRAM, MINI_PROGRAM, MERCHANT, "my.request: create the order"),
        Step(3, MERCHANT, MERCHANT, MERCHANT, "creates its order"),
        Step(4, MERCHANT, MERCHANT, WALLET_SERVER, "calls wallet pay (signed)"),
        Step(5, WALLET_SERVER, WALLET_SERVER, WALLET_SERVER, "creates the payment"),
        Step(6, WALLET_SERVER, WALLET_SERVER, WALLET_SERVER, "generates the paymentUrl"),
        Step(7, WALLET_SERVER, WALLET_SERVER, MERCHANT, "returns the paymentUrl (signed)"),
        Step(8, MERCHANT, MERCHANT, MINI_PROGRAM, "returns the paymentUrl to the client"),
        Step(9, MINI_PROGRAM, MINI_PROGRAM, WALLET_APP, "my.tradePay({paymentUrl})"),
        Step(10, WALLET_APP, WALLET_APP, WALLET_APP, "opens the paymentUrl"),
        Step(11, WALLET_APP, WALLET_APP, WALLET_SERVER, "fetches the order"),
        Step(12, WALLET_APP, WALLET_SERVER, WALLET_APP, "receives the order"),
        Step(13, WALLET_APP, WALLET_APP, USER, "renders the cashier"),
        Step(14, USER, USER, WALLET_APP, "chooses the account, enters the payment password"),
        Step(15, WALLET_APP, WALLET_APP, WALLET_SERVER, "submits the payment"),
        Step(16, WALLET_SERVER, WALLET_SERVER, WALLET_SERVER, "verifies password and risk"),
        Step(17, WALLET_SERVER, WALLET_SERVER, WALLET_SERVER, "debits the account"),
        Step(18, WALLET_APP, WALLET_APP, MINI_PROGRAM, "success({resultCode}) to the mini program"),
        Step(19, WALLET_SERVER, WALLET_SERVER, MERCHANT, "notifyPayment (signed)"),
        Step(20, MINI_PROGRAM, MINI_PROGRAM, MERCHANT, "shows the result page (asks the merchant server)"),
    )
}


# What each step waits for. The numbering is the narrative; in time, the notification
# (19) runs beside the return to the mini program (18): both follow the debit (17).
CAUSES: dict[int, int] = {n: n - 1 for n in range(2, 21)}
CAUSES[19] = 17
CAUSES[20] = 18


def causal_order_problems(events: list[dict]) -> list[str]:
    """Steps whose first recorded occurrence comes before the step it depends on."""
    first: dict[int, str] = {}
    for e in sorted(events, key=lambda e: e["at"]):
        if e.get("step") and e.get("kind", "step") == "step":
            first.setdefault(e["step"], e["at"])
    problems = [f"step {n} missing" for n in STEPS if n not in first]
    for step, cause in CAUSES.items():
        if step in first and cause in first and first[step] < first[cause]:
            problems.append(f"step {step} ({first[step]}) before step {cause} ({first[cause]})")
    return problems
