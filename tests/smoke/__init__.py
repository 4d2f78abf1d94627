"""Tests of the GPU smoke test (probe, verdict, probe command)."""
