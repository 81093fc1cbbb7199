"""Imported by the import workers' fork server (``liaison.node.transfer``): loads the
name analyser there, once, so that every worker forked from the server shares it
instead of loading its own. Importing this module is its whole purpose; nothing
else imports it.

``gc.freeze`` moves everything loaded so far out of the collector's reach, so that
a worker's collections do not write to (and so copy) the pages it shares with the
server, as the Python documentation advises before forking.
"""

import gc

from liaison.node.context import load_names

load_names()
gc.freeze()
