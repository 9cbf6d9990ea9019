"""postloan monitoring service."""
