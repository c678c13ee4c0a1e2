"""Real mini program projects (``app.json``, AXML, ACSS, JS with ``Page()``) compiled on
the server for the runtime in static/miniprogram/runtime/ (docs/miniprogram.md)."""
