"""Benchmarks: `make bench` prints one table of ratios measured in the same run."""
