"""tradepay-sim's shared kernel: money, signing, the step journal, settings, the database
helper, the runner that starts the apps, and the console. It knows no app's internals;
the apps talk to each other only over HTTP."""

__version__ = "0.1.0"
