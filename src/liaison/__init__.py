"""Liaison: sovereign database-sharing nodes for partner agencies.

The public API of the package is listed in ``__all__`` (a test keeps it
complete); everything else is internal and may change. Its names are imported
when first used, so that a CLI command that does not serve never loads the web
application (FastAPI, the routes, the templates: about a second of every
command's start).
"""

import importlib as _importlib
import typing as _typing

__version__ = "0.1.0"

if _typing.TYPE_CHECKING:
    from liaison.api.app import create_app
    from liaison.errors import LiaisonError
    from liaison.node import Node, init_node
    from liaison.settings import Settings

__all__ = ["LiaisonError", "Node", "Settings", "__version__", "create_app", "init_node"]

_WHERE = {
    "create_app": "liaison.api.app",
    "LiaisonError": "liaison.errors",
    "Node": "liaison.node",
    "init_node": "liaison.node",
    "Settings": "liaison.settings",
}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'liaison' has no attribute {name!r}")
    value = getattr(_importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # found once; later uses read it directly
    return value
