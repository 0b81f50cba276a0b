"""Starts a real coalitiongraph server for the tests: built from this
repository, on a free port (the server binds 127.0.0.1:0 and logs the
address it got), with a temporary data directory; ready when /readyz says
so. COALITIONGRAPH_SERVER may name a prebuilt binary."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("server")
    binary = os.environ.get("COALITIONGRAPH_SERVER")
    if not binary:
        binary = str(tmp / "server")
        subprocess.run(["go", "build", "-o", binary, "./server"], cwd=REPO, check=True)
    proc = subprocess.Popen([binary, "-addr", "127.0.0.1:0", "-data-dir", str(tmp / "data")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        assert proc.stdout is not None
        for line in proc.stdout:  # ends if the server exits
            try:
                rec = json.loads(line)
            except ValueError:
                rec = {"msg": line}
            if rec.get("msg") == "listening":
                url = "http://" + rec["addr"]
                break
        if url is None:
            pytest.fail(f"server exited with {proc.wait()} before listening")
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(url + "/readyz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("server never became ready")
            time.sleep(0.1)  # polling for readiness, not waiting a fixed time
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
