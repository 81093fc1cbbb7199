"""Imported by the import workers' fork server (``liaison.node.transfer``): loads the
name analyser there, once, so that every worker forked from the server shares it
instead of loading its own. Importing this module is its whole purpose; nothing
else imports it."""

from liaison.node.context import load_names

load_names()
