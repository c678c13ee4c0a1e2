"""The apps of a simulator run, named once: who they are and the order they are reset in."""

APPS = ("miniprogram", "merchant", "wallet", "console")
# The apps with a /_sim/reset, the wallet first: nothing then notifies an order already gone.
RESET_ORDER = ("wallet", "merchant", "miniprogram")
DEFAULT_PORTS = {"console": 8000, "miniprogram": 8100, "merchant": 8200, "wallet": 8300}


class StartupError(RuntimeError):
    """Something a user can fix before a start can succeed (a port in use, a folder not
    writable, a mini program folder that is not one): said in one line, no traceback."""
