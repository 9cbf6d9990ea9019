"""Test and benchmark helpers of monitoring (not used by the service itself)."""
