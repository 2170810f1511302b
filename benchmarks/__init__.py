"""Benchmarks of scaleway-qaas against a fresh in-process emulator: ``python -m benchmarks --help``."""
