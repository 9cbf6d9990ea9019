"""postloan credit-inquiry service."""
