"""tradepay-sim benchmarks: ``make bench`` (``python -m bench``)."""
