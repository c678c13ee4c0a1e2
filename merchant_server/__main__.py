"""Run the merchant alone: ``python -m merchant_server [--merchant-port P] [--data-dir D] ...``."""

import sys

from simulator.launch.cli import main

sys.exit(main(["run", "--apps", "merchant", *sys.argv[1:]]))
