"""tradepay-sim's shared code, in layers (docs/architecture.md):

- ``simulator.core``: the kernel every app uses (money, signing, the step journal, the
  database helper, the clock, web helpers). It imports no app and nothing above it.
- ``simulator.console``: the console app, over the kernel.
- ``simulator.launch``: settings, the runner that starts the apps, the command line.
- ``simulator.testing``: the test kit and the pytest plugin.

The apps (``wallet_mock``, ``merchant_server``, ``miniprogram_mock``) import only the
kernel, and talk to each other only over HTTP."""

__version__ = "0.1.0"
