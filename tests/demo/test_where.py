"""What `make demo` and `liaison serve` say about where the nodes listen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liaison.cli.main import listening
from liaison.demo.__main__ import _print_where
from liaison.demo.cluster import USERS, NodeProcess
from liaison.federation.tls import ensure_certificate, fingerprint

FINGERPRINT = re.compile(r"SHA-256 ([0-9A-F]{2}(?::[0-9A-F]{2}){31})$", re.MULTILINE)


def _node(tmp_path: Path, name: str, port: int) -> NodeProcess:
    n = NodeProcess(name, tmp_path / name, port)
    n.data_dir.mkdir()
    settings = n.settings()
    ensure_certificate(settings.tls_cert_path, settings.tls_key_path, name)
    n.passwords = {user: f"pw-{user}" for user in ["admin", *USERS]}
    return n


def test_the_demo_names_each_node_without_markup_left_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes = [_node(tmp_path, "manila", 8470), _node(tmp_path, "moscow", 8471)]
    _print_where(nodes)
    out = capsys.readouterr().out
    assert "[bold]" not in out and "[/]" not in out
    assert "\nmanila  web https://127.0.0.1:8470/   API https://127.0.0.1:8470/api/v1/\n" in out
    assert "\nmoscow  web https://127.0.0.1:8471/" in out
    cert = nodes[0].settings().tls_cert_path
    assert fingerprint(cert.read_text()) in FINGERPRINT.findall(out)
    assert "pw-admin" in out and "pw-analyst" in out


def test_serve_says_where_it_listens_and_with_which_certificate(tmp_path: Path) -> None:
    cert = ensure_certificate(tmp_path / "cert.pem", tmp_path / "key.pem", "manila")
    said = listening("manila", "127.0.0.1", 8443, str(cert))
    assert said.startswith("manila: serving on https://127.0.0.1:8443/")
    assert f"certificate {cert}" in said
    assert FINGERPRINT.findall(said) == [fingerprint(cert.read_text())]
    assert "https://[::1]:8443/" in listening("manila", "::1", 8443, str(cert))
    plain = listening("manila", "0.0.0.0", 8080, None)  # noqa: S104 - a string, not a bind
    assert plain.startswith("manila: serving on http://0.0.0.0:8080/") and "no TLS" in plain


def test_a_fingerprint_is_printed_as_it_is_never_as_emoji(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """rich reads ":CD:" and ":AB:" as emoji codes: one certificate in a few printed a
    fingerprint with a disc in it, which no browser would match."""
    from liaison.cli.common import console as cli_console
    from liaison.demo.__main__ import console as demo_console

    text = "SHA-256 A1:CD:ED:06:AB:C0"
    for printer in (demo_console, cli_console):
        printer.print(text, soft_wrap=True)
        assert capsys.readouterr().out == text + "\n"
