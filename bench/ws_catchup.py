#!/usr/bin/python3
"""WebSocket catch-up of a large running job through the real server
(issue 17: <= 1 s to first byte, bounded memory).

Starts doctag-server with no batch workers on SQLite or PostgreSQL, submits
a ROWS-row job over HTTP, marks every row done in the database with a
result shaped like jobs/row.c's (about 400 bytes, as bench/scale_bench.c
does) while the job stays "processing", restarts the server (fresh kore
workers, so their peak memory is the catch-up's own), then connects
sockets and prints, per client: time to the first frame, time to the
whole message, frames, message size, and the kore workers' peak memory
growth (VmHWM now minus VmRSS before). A "slow" client has a 64 KiB
receive buffer and reads one frame every 20 ms.
    bench/ws_catchup.py [sqlite|postgresql|redis] [rows=100000]
PostgreSQL: DOCTAG_TEST_POSTGRES_URL (scripts/services.sh), a new database.
Redis: the queue on DOCTAG_TEST_REDIS_URL's database 6 (history on SQLite),
the results pushed to the job's list as redis_finish.lua does.
On a large history loaded before (bench/scale_bench.c, SCALE_KEEP /
DOCTAG_BENCH_KEEP_DB): WS_DATA_DIR=<a directory whose doctag.db is it>
(SQLite) or WS_DATABASE=<a database of DOCTAG_TEST_POSTGRES_URL's server>;
the job and its user are added to it and kept, the history is kept.
"""
import json
import os
import pathlib
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import requests
import websocket

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("DOCTAG_BIN_DIR", ROOT / "build" / "bin"))

RESULT = ("'{\"row_id\":' || row_index || ',\"row_number\":' || (row_index + 1) || ',\"title\":\"Row '"
          " || row_index || '\",\"status\":\"success\",\"tags\":[\"report\",\"water\",\"climate\","
          "\"policy\",\"health\"],\"error\":null,\"model_name\":\"local\",\"metadata\":{\"page_count\":2,"
          "\"is_scanned\":false,\"processing_time_ms\":120},\"document_id\":\"' || {ID} || '\",\"file_path\":"
          "\"https://example.com/batch/' || row_index || '.pdf\",\"worker\":\"bench\"}'")


# The rows' results and counters as queue/data/redis_finish.lua leaves them.
REDIS_DONE = """
local jk, n = 'job:' .. ARGV[1], tonumber(ARGV[2])
local batch = {}
for i = 0, n - 1 do
  batch[#batch + 1] = '{"row_id":' .. i .. ',"row_number":' .. (i + 1) .. ',"title":"Row ' .. i ..
    '","status":"success","tags":["report","water","climate","policy","health"],"error":null,' ..
    '"model_name":"local","metadata":{"page_count":2,"is_scanned":false,"processing_time_ms":120},' ..
    '"document_id":"' .. redis.sha1hex(tostring(i)) .. '","file_path":"https://example.com/batch/' .. i ..
    '.pdf","worker":"bench"}'
  if #batch == 1000 or i == n - 1 then
    redis.call('RPUSH', jk .. ':results', unpack(batch))
    batch = {}
  end
end
redis.call('HSET', jk, 'status', 'processing', 'done', n, 'processed_count', n, 'progress', 1)
return redis.call('LLEN', jk .. ':results')
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    kids = {}
    for p in pathlib.Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def cpu_s(pid):
    """User + system CPU seconds of process `pid` so far."""
    try:
        f = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def mem_kb(pid, field):
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    def __init__(self, env):
        self.env = env
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([str(BIN / "doctag-server")], env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        base = "http://" + self.env["DOCTAG_LISTEN"]
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if requests.get(base + "/api/status", timeout=1).status_code == 200:
                    return base
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("doctag-server did not answer")

    def workers(self):
        """kore's worker processes: the server's descendants with no children."""
        pids = descendants(self.proc.pid)
        return [p for p in pids if not descendants(p)]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)


def catchup(base, job_id, token, slow):
    url = base.replace("http://", "ws://") + f"/api/batch/ws/{job_id}?token={token}"
    opts = ((socket.SOL_SOCKET, socket.SO_RCVBUF, 65536),) if slow else ()
    t0 = time.monotonic()
    ws = websocket.create_connection(url, timeout=300, sockopt=opts)
    frames, size, first = 0, 0, None
    parts = []
    while True:
        f = ws.recv_frame()
        if f.opcode not in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_CONT):
            continue
        if first is None:
            first = time.monotonic() - t0
        frames += 1
        size += len(f.data)
        parts.append(f.data)
        if f.fin:
            break
        if slow:
            time.sleep(0.02)
    full = time.monotonic() - t0
    msg = json.loads(b"".join(parts))
    ws.close()
    return first, full, frames, size, msg


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="doctag-bench-ws."))
    data = pathlib.Path(os.environ.get("WS_DATA_DIR") or tmp / "data")
    kept_pg = os.environ.get("WS_DATABASE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCTAG_")}
    env.update({"DOCTAG_LISTEN": f"127.0.0.1:{free_port()}", "DOCTAG_DATA_DIR": str(data),
                "DOCTAG_JWT_SECRET": "bench-" + secrets.token_hex(16), "DOCTAG_HTTP_WORKERS": "2",
                "DOCTAG_WORKERS": "0", "DOCTAG_MAX_UPLOAD_MB": "200"})
    pg = None
    redis = None
    if backend == "redis":
        redis = os.environ["DOCTAG_TEST_REDIS_URL"].rstrip("/") + "/6"
        env["DOCTAG_REDIS_URL"] = redis
    if backend == "postgresql":
        admin = os.environ["DOCTAG_TEST_POSTGRES_URL"]
        name = kept_pg or "doctag_bench_ws_" + uuid.uuid4().hex[:8]
        if not kept_pg:
            subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        pg = admin.rsplit("/", 1)[0] + "/" + name
        env["DOCTAG_DATABASE_URL"] = pg
    srv = Server(env)
    base = srv.start()
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    requests.post(base + "/api/auth/register", json={"email": email, "password": "pw-bench-12345",
                                                     "full_name": "Bench"}).raise_for_status()
    r = requests.post(base + "/api/auth/login", json={"email": email, "password": "pw-bench-12345"})
    r.raise_for_status()
    token = r.json()["tokens"]["access_token"]
    docs = [{"title": f"Row {i}", "file_path": f"https://example.com/batch/{i}.pdf", "file_source_type": "url"}
            for i in range(rows)]
    r = requests.post(base + "/api/batch/start", json={"documents": docs, "config": {"model_name": "local"}},
                      headers={"Authorization": f"Bearer {token}"}, timeout=600)
    r.raise_for_status()
    job_id = r.json()["job_id"]
    srv.stop()
    if redis:
        out = subprocess.run(["redis-cli", "-u", redis, "EVAL", REDIS_DONE, "0", job_id, str(rows)],
                             check=True, capture_output=True, text=True).stdout.strip()
        assert out == str(rows), out
    elif pg:
        sql = (f"UPDATE queue_items SET state = 'done', ok = 1, finished_seq = row_index + 1, result = "
               f"{RESULT.replace('{ID}', 'md5(row_index::text)')} WHERE job_id = '{job_id}';"
               f"UPDATE queue_jobs SET status = 'processing', done = total, processed = total"
               f" WHERE job_id = '{job_id}';")
        subprocess.run(["psql", pg, "-q", "-c", sql], check=True)
    else:
        db = sqlite3.connect(data / "doctag.db")
        db.execute(f"UPDATE queue_items SET state = 'done', ok = 1, finished_seq = row_index + 1, result = "
                   f"{RESULT.replace('{ID}', 'hex(randomblob(16))')} WHERE job_id = ?", (job_id,))
        db.execute("UPDATE queue_jobs SET status = 'processing', done = total, processed = total WHERE job_id = ?",
                   (job_id,))
        db.commit()
        db.close()
    base = srv.start()
    print(f"doctag WebSocket catch-up, {backend}, {rows} rows done, job running; "
          f"load {os.getloadavg()[0]:.1f}")
    for label, slow in (("fast client", False), ("fast client", False), ("slow client", True)):
        pids = srv.workers()
        before = {p: mem_kb(p, "VmRSS") for p in pids}
        anon0 = {p: mem_kb(p, "RssAnon") for p in pids}
        cpu0 = sum(cpu_s(p) for p in pids)
        anon_peak = dict(anon0)
        done = threading.Event()

        def sample():
            while not done.is_set():
                for p in pids:
                    anon_peak[p] = max(anon_peak[p], mem_kb(p, "RssAnon"))
                time.sleep(0.005)
        t = threading.Thread(target=sample)
        t.start()
        first, full, frames, size, msg = catchup(base, job_id, token, slow)
        done.set()
        t.join()
        cpu = sum(cpu_s(p) for p in pids) - cpu0
        assert msg["type"] == "catchup" and len(msg["results"]) == rows, msg.get("type")
        grow = max(mem_kb(p, "VmHWM") - before[p] for p in pids) / 1024
        anon = max(anon_peak[p] - anon0[p] for p in pids) / 1024
        print(f"  {label}: first frame {first * 1000:.0f} ms, whole message {full:.2f} s, {frames} frames,"
              f" {size / 1048576:.1f} MiB; kore workers' CPU {cpu:.2f} s, load {os.getloadavg()[0]:.1f}; kore worker peak: anonymous memory +{anon:.1f} MiB,"
              f" RSS +{grow:.1f} MiB (with the database file mapped)")
        print(f"RESULT backend={backend} rows={rows} client={label.split()[0]} first_ms={first * 1000:.0f}"
              f" full_s={full:.2f} workers_cpu_s={cpu:.2f} frames={frames} mib={size / 1048576:.1f} worker_anon_mib={anon:.1f}"
              f" worker_rss_mib={grow:.1f}")
    srv.stop()
    if pg and not kept_pg:
        subprocess.run(["psql", os.environ["DOCTAG_TEST_POSTGRES_URL"], "-q", "-c",
                        f"DROP DATABASE {pg.rsplit('/', 1)[1]}"], check=False)
    if redis:
        subprocess.run(["redis-cli", "-u", redis, "FLUSHDB"], check=False, capture_output=True)
    subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()
