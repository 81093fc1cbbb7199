"""The web interface's pages, one module per workflow."""
