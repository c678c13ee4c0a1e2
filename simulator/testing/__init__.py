"""Helpers for tests that drive the simulator: starting it, finding a browser."""
