"""Run the wallet alone: ``python -m wallet_mock [--wallet-port P] [--data-dir D] ...``."""

import sys

from simulator.launch.cli import main

sys.exit(main(["run", "--apps", "wallet", *sys.argv[1:]]))
