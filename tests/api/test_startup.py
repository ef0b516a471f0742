"""Start-up: a port already taken is one clear line and exit 1, with no
"serving" line before it (issue 14)."""
import os
import socket
import subprocess
import tempfile

from conftest import BIN


def test_port_taken_is_one_line_and_exit_1():
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCTAG_")}
    with tempfile.TemporaryDirectory() as data:
        env.update({"DOCTAG_LISTEN": f"127.0.0.1:{port}", "DOCTAG_DATA_DIR": data, "DOCTAG_WORKERS": "0"})
        r = subprocess.run([str(BIN / "doctag-server")], env=env, capture_output=True, text=True, timeout=60)
        leftovers = [n for n in os.listdir(data) if n.startswith("run-")]
    taken.close()
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert f"127.0.0.1:{port}" in lines[0] and "already in use" in lines[0], lines[0]
    assert "serving" not in r.stdout + r.stderr
    assert not leftovers, "the run directory is left behind"
