"""Fictitious data and the `make demo` script. Nothing here is real."""
