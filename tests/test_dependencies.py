"""Every third-party module the code imports is declared where it belongs.

`make demo` installs the runtime dependencies only (`pip install -e .`), so a
module that ``src/liaison`` imports but that only arrives through another
package, or through the `test` or `bench` extra, works in a developer's venv
and breaks a fresh one. Each file is parsed (never imported); every absolute
import, including those inside functions, is mapped to the distribution that
installs it and checked against pyproject.toml: ``src/`` and ``examples/``
against the runtime ``dependencies``, ``tests/`` against those plus the
`test` extra, ``bench/`` against those plus the `bench` and `evalgen` extras.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# Imported by src/liaison but installed only with an extra, each behind a guarded import
# that falls back when it is missing (module -> extra).
OPTIONAL_IN_SRC = {"numba": "fast"}  # liaison.matching.dice_kernel; dice.py falls back to numpy
# A module that is not installed here (`make test` installs no `bench` nor `evalgen` extra)
# is taken to come from the distribution of its own name, or from the one named here.
NOT_ITS_NAME = {"private_set_intersection": "openmined-psi"}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return normalise(match.group(1))


def extra(name: str) -> set[str]:
    """The distributions an extra declares, self-references (``liaison[a,b]``) followed."""
    found: set[str] = set()
    for requirement in PROJECT["optional-dependencies"][name]:
        self_ref = re.fullmatch(r"liaison\[([a-z,\s]+)\]", requirement.strip())
        if self_ref:
            for inner in self_ref.group(1).split(","):
                found |= extra(inner.strip())
        else:
            found.add(requirement_name(requirement))
    return found


RUNTIME = {requirement_name(r) for r in PROJECT["dependencies"]}


def local_modules(tree: Path) -> set[str]:
    """Modules a tree imports from itself: its packages and its scripts' siblings."""
    names = {"liaison", "tests", "bench"}
    for path in tree.rglob("*.py"):
        names.add(path.stem)
        names.update(part for part in path.relative_to(tree).parent.parts)
    return names


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Top-level names of the absolute imports in a file, with their line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


@cache
def distributions_of(module: str) -> frozenset[str]:
    return frozenset(normalise(d) for d in packages_distributions().get(module, []))


def undeclared(tree: Path, allowed: set[str], optional: dict[str, str]) -> list[str]:
    own = local_modules(tree)
    problems = []
    for path in sorted(tree.rglob("*.py")):
        for module, line in imports(path):
            if module in sys.stdlib_module_names or module in own or module == "__future__":
                continue
            where = f"{path.relative_to(ROOT)}:{line}: {module}"
            dists = distributions_of(module) or frozenset(
                {normalise(NOT_ITS_NAME.get(module, module))}
            )
            wanted = extra(optional[module]) if module in optional else allowed
            if not dists & wanted:
                declared = f"in [{optional[module]}]" if module in optional else "declared"
                problems.append(f"{where} comes from {', '.join(sorted(dists))}: not {declared}")
    return problems


def test_src_imports_only_runtime_dependencies() -> None:
    assert undeclared(ROOT / "src" / "liaison", RUNTIME, OPTIONAL_IN_SRC) == []


def test_examples_import_only_runtime_dependencies() -> None:
    """examples/generate.py runs in the venv `make demo` makes."""
    assert undeclared(ROOT / "examples", RUNTIME, {}) == []


def test_tests_import_only_runtime_and_test_dependencies() -> None:
    assert undeclared(ROOT / "tests", RUNTIME | extra("test"), {}) == []


def test_bench_imports_only_declared_dependencies() -> None:
    allowed = RUNTIME | extra("test") | extra("bench") | extra("evalgen")
    assert undeclared(ROOT / "bench", allowed, {}) == []


def test_dev_is_test_and_bench() -> None:
    """`make install` (dev) keeps every tool `make test` and the benchmarks use."""
    assert extra("dev") == extra("test") | extra("bench")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import a.b\nfrom c.d import e\nfrom . import f\nfrom .g import h\n", ["a", "c"]),
        ("def f():\n    import numba  # lazily\n", ["numba"]),
    ],
)
def test_imports_are_found_inside_functions_and_relative_ones_skipped(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    assert [name for name, _ in imports(path)] == expected
