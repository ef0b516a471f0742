"""Start-up: a port already taken is one clear line and exit 1, with no
"serving" line before it (issue 14); an upgrade migrates before serving."""
import os
import socket
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import BIN, Server, backends, make_database, redis_url


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



def undo_migration_12(srv):
    """Undoes migration 0012 (a rerun is safe once its index is gone), as a
    database from the version before it would be."""
    sql = "DROP INDEX queue_items_finished; DELETE FROM schema_migrations WHERE version = 12;"
    url = srv.env.get("DOCTAG_DATABASE_URL")
    if url:
        subprocess.run(["psql", url, "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)
    else:
        db = sqlite3.connect(srv.data / "doctag.db")
        db.executescript(sql)
        db.close()


def migration_12_recorded(srv):
    sql = "SELECT count(*) FROM schema_migrations WHERE version = 12"
    url = srv.env.get("DOCTAG_DATABASE_URL")
    if url:
        return subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip() == "1"
    db = sqlite3.connect(srv.data / "doctag.db")
    n = db.execute(sql).fetchone()[0]
    db.close()
    return n == 1


@pytest.mark.parametrize("backend", backends())
def test_an_upgrade_migrates_before_serving_and_says_so(backend):
    """The database's migrations run before the server listens, and an
    upgrade names each migration with its time (one that rebuilds the
    full-text index takes minutes on a large archive): no request waits on
    them unannounced. With Redis as the queue nothing else opens the
    database at start, so this holds for PostgreSQL too."""
    env = {"DOCTAG_WORKERS": "0"}
    if backend == "pg_redis":
        env.update({"DOCTAG_DATABASE_URL": make_database(os.environ["DOCTAG_TEST_POSTGRES_URL"]),
                    "DOCTAG_REDIS_URL": redis_url(), "DOCTAG_SECRET_KEY": "upgrade-" + "ab" * 16})
    srv = Server("upgrade", env).start()
    first = srv.log_text()
    assert srv.stop().get("server") == 0
    assert "upgrading the database" not in first, first   # a new database stays quiet
    undo_migration_12(srv)
    srv.start()
    log = srv.log_text()
    assert srv.stop().get("server") == 0
    said = log.find("upgrading the database: migration 0012_")
    assert said >= 0, log
    assert " done in " in log[said:], log
    assert said < log.find("serving http"), log
    assert migration_12_recorded(srv)
