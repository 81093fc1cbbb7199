"""The public API in ``liaison.__all__`` is complete and importable."""

from __future__ import annotations

import inspect

import liaison


def test_all_is_importable_and_complete() -> None:
    for name in liaison.__all__:
        assert hasattr(liaison, name), name
    public = {
        name
        for name, value in vars(liaison).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(liaison.__all__) - {"__version__"}
