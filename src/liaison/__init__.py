"""Liaison: sovereign database-sharing nodes for partner agencies.

The public API of the package is listed in ``__all__`` (a test keeps it
complete); everything else is internal and may change.
"""

__version__ = "0.1.0"

from liaison.api.app import create_app  # noqa: E402 - after __version__, which the app reads
from liaison.errors import LiaisonError  # noqa: E402
from liaison.node import Node, init_node  # noqa: E402
from liaison.settings import Settings  # noqa: E402

__all__ = ["LiaisonError", "Node", "Settings", "__version__", "create_app", "init_node"]
