"""A restart, really stopping and starting the apps on the same data folder, keeps keys,
orders, payments and balances."""

from simulator.testing.journey import api_journey, cashier_action, open_cashier
from simulator.testing.sim import fixed_ports, get_json, running_sim, wait_for


async def test_restart_keeps_everything(tmp_path, http):
    data = tmp_path / "data"
    async with running_sim(data) as sim:
        _, creds = await get_json(http, f"{sim.urls['wallet']}/_sim/credentials")
        result = await api_journey(http, sim.urls, report=False)

        async def paid():
            _, o = await get_json(http, f"{sim.urls['merchant']}/api/orders/{result.order_id}")
            return o["status"] == "PAID"

        await wait_for(paid)
        _, accounts = await get_json(http, f"{sim.urls['wallet']}/_sim/accounts")

    async with running_sim(data) as again:  # new ports, same folder
        _, creds2 = await get_json(http, f"{again.urls['wallet']}/_sim/credentials")
        assert creds2["clientId"] == creds["clientId"]
        assert creds2["walletPublicKey"] == creds["walletPublicKey"]
        _, order = await get_json(http, f"{again.urls['merchant']}/api/orders/{result.order_id}")
        assert order["status"] == "PAID" and order["fulfilled"] == 1
        _, payment = await get_json(http, f"{again.urls['wallet']}/_sim/payments/{result.payment_id}")
        assert payment["status"] == "SUCCESS"
        _, accounts2 = await get_json(http, f"{again.urls['wallet']}/_sim/accounts")
        assert accounts2 == accounts
        # and the journey goes on working after the restart
        second = await api_journey(http, again.urls, report=False)
        assert second.result_code == "9000"


async def test_a_cashier_opened_before_a_restart_is_paid_after_it(tmp_path, http):
    """The form's CSRF secret is kept in the data folder: a restart voided every open
    cashier ("This form has expired") when it was made anew at each start."""
    data, ports = tmp_path / "data", fixed_ports()
    async with running_sim(data, **ports) as sim:
        async with http.post(f"{sim.urls['merchant']}/api/orders", json={"items": [{"goodsId": "latte"}]}) as resp:
            order = await resp.json()
        cashier = await open_cashier(http, order["paymentUrl"])
    async with running_sim(data, **ports) as again:
        status, reply = await cashier_action(
            http, cashier, "confirm", {"account": "buyer@sandbox.test", "password": "111111"}
        )
        assert status == 200 and reply["resultCode"] == "9000", reply
        _, payment = await get_json(http, f"{again.urls['wallet']}/_sim/payments/{order['paymentId']}")
        assert payment["status"] == "SUCCESS"
    assert oct((data / "csrf-secret").stat().st_mode & 0o777) == "0o600"
