#!/usr/bin/env python3
"""Start the whole simulator: mini program client, merchant server, wallet and console.

    python run_all.py [--host H] [--wallet-port P] ... [--data-dir D] [--time-scale S]

Every option is also an environment variable (TRADEPAY_SIM_WALLET_PORT, ...); see --help.
"""

import sys

from simulator.launch.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
