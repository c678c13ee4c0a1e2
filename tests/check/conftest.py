"""Fixtures of the conformance-run tests (tests/check/check_helpers.py)."""

from check_helpers import scaled_sim  # noqa: F401
