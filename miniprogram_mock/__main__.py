"""Run the miniprogram alone: ``python -m miniprogram_mock [--miniprogram-port P] [--data-dir D] ...``."""

import sys

from simulator.launch.cli import main

sys.exit(main(["run", "--apps", "miniprogram", *sys.argv[1:]]))
