"""Liaison: sovereign database-sharing nodes for partner agencies.

The public API of the package is listed in ``__all__`` (a test keeps it
complete); everything else is internal and may change.
"""

__version__ = "0.1.0"

from liaison.api.app import create_app
from liaison.errors import LiaisonError
from liaison.node import Node, init_node
from liaison.settings import Settings

__all__ = ["LiaisonError", "Node", "Settings", "__version__", "create_app", "init_node"]
