"""The `proxycall` command line."""
