"""postloan collection service."""
