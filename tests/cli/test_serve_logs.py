"""`liaison serve` with LIAISON_LOG_FORMAT=json: it prints the URL it listens on, and
every line on standard error is one JSON object, one per request with its id, route
template, status and duration. A real process on loopback over HTTP (SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import orjson

from liaison.node import init_node
from liaison.settings import Settings
from tests.cli.test_serve_warm import free_port


def test_serve_prints_its_url_and_logs_json_lines(tmp_path: Path) -> None:
    init_node(Settings(data_dir=tmp_path / "data"))
    port = free_port()
    env = {
        **os.environ,
        "LIAISON_DATA_DIR": str(tmp_path / "data"),
        "LIAISON_TLS": "false",
        "LIAISON_PORT": str(port),
        "LIAISON_FEDERATION_WORKER": "false",
        "LIAISON_MATCH_WORKER": "false",
        "LIAISON_LOG_FORMAT": "json",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        said = next((line for line in proc.stdout if "serving on" in line), "")
        assert f"http://127.0.0.1:{port}/" in said, said
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            while True:
                try:
                    live = client.get("/healthz", headers={"X-Request-ID": "probe-0001"})
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the port never accepted"
                    time.sleep(0.05)
            ready = client.get("/readyz")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert live.status_code == 200 and ready.status_code == 200
    lines = [orjson.loads(line) for line in err.splitlines() if line.strip()]
    served = [line for line in lines if line["logger"] == "liaison.serve"]
    assert served and served[0]["url"] == f"http://127.0.0.1:{port}/"
    requests = {line["route"]: line for line in lines if line["logger"] == "liaison.requests"}
    assert requests["/healthz"]["request_id"] == "probe-0001"
    assert requests["/healthz"]["status"] == 200 and requests["/readyz"]["status"] == 200
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
