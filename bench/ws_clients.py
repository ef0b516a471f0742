"""N WebSocket clients follow one batch job (bench/server.sh, part 3).

The job is paused while the clients connect, then resumed: every client
must see every row finish (catch-up results plus live events) and the
terminal event. Prints the time from resume to the last client done.

usage: ws_clients.py BASE_URL TOKEN CORPUS_DIR CLIENTS
"""
import json
import sys
import threading
import time

import requests
import websocket

base, token, corpus, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
auth = {"Authorization": f"Bearer {token}"}
names = ["en_invoice.pdf", "en_recipe.pdf", "en_release_notes.pdf", "en_water_supply_notice.pdf"]
rows = [{"title": f"doc {i}", "file_path": f"{corpus}/text/{names[i % 4]}", "file_source_type": "local"}
        for i in range(20)]
r = requests.post(f"{base}/api/batch/start", json={"documents": rows, "config": {"model_name": "local"}},
                  headers=auth, timeout=60)
r.raise_for_status()
job_id = r.json()["job_id"]
requests.post(f"{base}/api/batch/jobs/{job_id}/pause", headers=auth, timeout=60).raise_for_status()

ws_base = base.replace("http://", "ws://")
results = [None] * clients
connected = threading.Barrier(clients + 1)


def client(i):
    seen = set()
    terminal = None
    try:
        ws = websocket.create_connection(f"{ws_base}/api/batch/ws/{job_id}?token={token}", timeout=300)
        first = json.loads(ws.recv())
        for res in first.get("results", []):
            seen.add(res["row_id"])
        connected.wait()
        while True:
            data = ws.recv()
            if not data:
                break
            m = json.loads(data)
            if m.get("type") == "progress" and m["status"] in ("success", "failed"):
                seen.add(m["row_id"])
            if m.get("type") in ("completed", "cancelled", "error"):
                terminal = m["type"]
                break
        ws.close()
    except Exception as e:  # noqa: BLE001 - reported below
        results[i] = f"error: {e}"
        try:
            connected.abort()
        except threading.BrokenBarrierError:
            pass
        return
    results[i] = (terminal, len(seen))


threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
for t in threads:
    t.start()
try:
    connected.wait(timeout=120)
except threading.BrokenBarrierError:
    pass
t0 = time.time()
requests.post(f"{base}/api/batch/jobs/{job_id}/resume", headers=auth, timeout=60).raise_for_status()
for t in threads:
    t.join(timeout=600)
elapsed = time.time() - t0
ok = sum(1 for r in results if r == ("completed", len(rows)))
print(f"{ok}/{clients} clients saw all {len(rows)} rows and the completed event; {elapsed:.1f} s after resume")
bad = [r for r in results if r != ("completed", len(rows))]
if bad:
    print("first problems:", bad[:5])
sys.exit(0 if ok == clients else 1)
