"""The README's "Using a node" section runs as written.

Every ``sh``, ``bash`` and ``console`` block of the section is read from
README.md itself (never a copy kept here) and run, in order, by one bash with
``set -euo pipefail``: a command that fails fails the test, and what one
block sets (exported or not) the next one sees, as in a reader's terminal.
It runs in an empty directory made to look like a fresh clone: ``.venv`` is
the environment running this test, ``examples/`` the repository's; data
directories are new, databases SQLite. The README starts two ``liaison
serve`` in the background and stops them by their process ids; the test
also ends the process group it started (bash and whatever bash started),
whatever happened, and only that group. The output the section shows (its
``text`` blocks: the imported record with its markings) must come out of the
run, record ids aside, once at manila and once at moscow.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTION = "Using a node"
TIMEOUT = 600  # seconds for the whole walk-through; two nodes load their name analysers
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end >= 0 else len(markdown)]


def shell_blocks(text: str) -> list[str]:
    """The shell blocks in order; of a ``console`` block, its ``$ `` commands only."""
    blocks = []
    for language, body in FENCE.findall(text):
        if language in ("sh", "bash"):
            blocks.append(body)
        elif language == "console":
            commands, continued = [], False
            for line in body.splitlines():
                if line.startswith("$ ") or continued:
                    commands.append(line.removeprefix("$ "))
                    continued = line.endswith("\\")
            blocks.append("\n".join(commands) + "\n")
    return blocks


def table_rows(text: str) -> list[tuple[str, ...]]:
    """The data rows of Rich tables in a text, without their first cell (the record id)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("│"):
            rows.append(tuple(cell.strip() for cell in line.strip("│").split("│"))[1:])
    return rows


def shown_rows(text: str) -> list[tuple[str, ...]]:
    """The table rows of the section's ``text`` blocks: the output it says to expect."""
    texts = [body for language, body in FENCE.findall(text) if language == "text"]
    return [row for body in texts for row in table_rows(body)]


def script(blocks: list[str]) -> str:
    """One bash script: each block announced on stderr, the failing command named."""
    lines = [
        "set -euo pipefail",
        "trap 'echo \"README command failed ($?): $BASH_COMMAND\" >&2' ERR",
    ]
    for number, block in enumerate(blocks, start=1):
        lines.append(f"echo '--- README block {number}' >&2")
        lines.append(block)
    return "\n".join(lines) + "\n"


def ports(blocks: list[str]) -> set[int]:
    """The loopback ports the walk-through serves on, from its URLs."""
    return {int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", "\n".join(blocks))}


def busy(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def fresh_clone(where: Path) -> None:
    """What the README may rely on: the clone's .venv and examples/."""
    (where / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    shutil.copytree(ROOT / "examples", where / "examples")


def test_using_a_node_has_the_blocks_the_text_relies_on() -> None:
    blocks = shell_blocks(section((ROOT / "README.md").read_text(), SECTION))
    text = "\n".join(blocks)
    assert len(blocks) >= 3
    for needle in ("liaison init", "liaison import", "liaison serve", "agreement activate"):
        assert needle in text
    assert ".venv/bin/liaison" not in text or 'PATH="$PWD/.venv/bin' in text


def test_the_section_shows_the_markings_of_an_imported_record() -> None:
    rows = shown_rows(section((ROOT / "README.md").read_text(), SECTION))
    assert ("Person", "Juan dela Cruz", "1", "AMBER", "CONFIDENTIAL", "piracy") in rows


def test_console_blocks_keep_their_commands_only() -> None:
    text = "```console\n$ liaison a \\\n    --b\nout put\n$ liaison c\n```\n"
    assert shell_blocks(text) == ["liaison a \\\n    --b\nliaison c\n"]


def test_using_a_node_runs_as_written(tmp_path: Path) -> None:
    if shutil.which("curl") is None and not os.environ.get("CI"):
        pytest.skip("the README waits for its nodes with curl, which is not installed")
    text = section((ROOT / "README.md").read_text(), SECTION)
    blocks = shell_blocks(text)
    taken = sorted(p for p in ports(blocks) if busy(p))
    if taken and not os.environ.get("CI"):
        pytest.skip(f"ports {taken} are in use (a running `make demo`?)")
    fresh_clone(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env.pop("VIRTUAL_ENV", None)
    env["COLUMNS"] = "120"  # a terminal as wide as the tables the README shows
    bash = subprocess.Popen(  # noqa: S603 - bash runs the README, from this repository
        ["bash", "-c", script(blocks)],  # noqa: S607 - bash from PATH, as a reader's
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: what it starts, we can end
        text=True,
    )
    try:
        output, _ = bash.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(bash.pid, signal.SIGKILL)
        output, _ = bash.communicate()
        pytest.fail(f"the README did not finish in {TIMEOUT} s:\n{output}")
    finally:
        with contextlib.suppress(ProcessLookupError):  # nodes left by a failed walk-through
            os.killpg(bash.pid, signal.SIGTERM)
    logs = "".join(f"\n--- {p.name}\n{p.read_text()}" for p in sorted(tmp_path.glob("*.log")))
    assert bash.returncode == 0, output + logs
    printed = table_rows(output)
    for row in shown_rows(text):
        assert printed.count(row) == 2, f"{row} not listed at manila and moscow:\n{output}"
