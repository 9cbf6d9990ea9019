"""postloan restructuring service."""
