"""WebSocket /api/batch/ws/{job_id}: authentication and ownership refusals
(1008), catch-up then every event live, two sockets on one job, steering
over HTTP while a socket watches, keepalive, closing never touches the job."""
import json
import time
import uuid

import pytest
import websocket

from test_batch import local_row, slow_rows, start, wait_done


def ws_url(server, job_id, token=None):
    url = server.base.replace("http://", "ws://") + f"/api/batch/ws/{job_id}"
    return url + (f"?token={token}" if token else "")


def connect(server, job_id, token=None, header_token=None):
    headers = [f"Authorization: Bearer {header_token}"] if header_token else []
    return websocket.create_connection(ws_url(server, job_id, token), header=headers, timeout=60)


def read_all(ws, until=None, limit=60):
    """Messages until the server closes (or `until(msg)` is true); returns
    (messages, close_code or None)."""
    msgs = []
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            op, data = ws.recv_data(control_frame=True)
        except websocket.WebSocketConnectionClosedException:
            return msgs, None
        if op == websocket.ABNF.OPCODE_CLOSE:
            code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
            return msgs, code
        if op == websocket.ABNF.OPCODE_TEXT:
            msg = json.loads(data)
            msgs.append(msg)
            if until and until(msg):
                return msgs, None
    raise AssertionError(f"no close within {limit}s; got {msgs[-3:]}")


def test_refused_without_valid_token(server, alice):
    r = start(alice, [local_row("en_invoice.pdf")])
    job_id = r.json()["job_id"]
    for token in (None, "garbage", alice.refresh_token):
        ws = connect(server, job_id, token)
        msgs, code = read_all(ws)
        assert msgs == [{"error": "Authentication required", "job_id": job_id}], token
        assert code == 1008
        ws.close()


def test_refused_on_someone_elses_or_unknown_job(server, alice, bob):
    job_id = start(alice, [local_row("en_invoice.pdf")]).json()["job_id"]
    for jid, who in ((job_id, bob), (str(uuid.uuid4()), alice), ("not-a-uuid", alice)):
        ws = connect(server, jid, who.token)
        msgs, code = read_all(ws)
        assert msgs == [{"error": "Job not found", "job_id": jid}]
        assert code == 1008


def test_finished_job_says_so_and_closes(server, alice):
    job_id = start(alice, [local_row("en_invoice.pdf")]).json()["job_id"]
    s = wait_done(alice, job_id)
    ws = connect(server, job_id, header_token=alice.token)
    msgs, code = read_all(ws)
    assert code == 1000
    assert msgs == [{"type": "completed", "job_id": job_id, "processed_count": s["processed_count"],
                     "failed_count": s["failed_count"], "message": "Job already completed"}]


def rows_seen(msgs):
    """Row numbers that finished, from catch-up results and live events."""
    done = {}
    for m in msgs:
        if m.get("type") == "catchup":
            for r in m["results"]:
                done[r["row_id"]] = r["status"]
        elif m.get("type") == "progress" and m["status"] in ("success", "failed"):
            assert m["row_id"] not in done, f"row {m['row_id']} reported twice"
            done[m["row_id"]] = m["status"]
    return done


def test_full_batch_over_two_sockets(server, alice):
    rows = slow_rows(12)
    rows[3] = {"title": "bad", "file_source_type": "local"}
    job_id = start(alice, rows).json()["job_id"]
    # Paused while both sockets connect, so both follow live events.
    assert alice.post(f"/api/batch/jobs/{job_id}/pause").status_code == 200
    a = connect(server, job_id, token=alice.token)
    b = connect(server, job_id, header_token=alice.token)
    assert alice.post(f"/api/batch/jobs/{job_id}/resume").status_code == 200
    ma, ca = read_all(a)
    mb, cb = read_all(b)
    expected = {i: ("failed" if i == 3 else "success") for i in range(12)}
    for msgs, code in ((ma, ca), (mb, cb)):
        assert code == 1000
        first = msgs[0]
        assert first["type"] == "catchup", first
        assert first["job_id"] == job_id
        assert set(first["state"]) >= {"status", "total", "processed_count", "failed_count", "progress"}
        assert first["state"]["total"] == 12
        assert any(m.get("type") == "resumed" for m in msgs)
        last = msgs[-1]
        assert last["type"] == "completed", last
        assert last["job_id"] == job_id
        assert (last["processed_count"], last["failed_count"], last["total_documents"]) == (11, 1, 12)
        assert last["message"] == "Completed: 11 succeeded, 1 failed"
        assert isinstance(last["processing_time"], (int, float))
        assert rows_seen(msgs) == expected
        for m in msgs:
            if m.get("type") == "progress":
                assert set(m) >= {"job_id", "row_id", "row_number", "title", "status", "progress", "tags",
                                  "error", "model_name", "metadata"}
                assert m["row_number"] == m["row_id"] + 1
                if m["status"] == "success":
                    assert set(m["metadata"]) >= {"is_scanned", "extraction_method", "ocr_confidence",
                                                  "page_count", "text_length", "tokens_used"}
                    assert m["tags"]
        seqs = [m["seq"] for m in msgs if "seq" in m]
        assert seqs == sorted(set(seqs)), "events in order, none repeated"
    # Both sockets saw the same live events.
    assert [m["seq"] for m in ma if "seq" in m][-10:] == [m["seq"] for m in mb if "seq" in m][-10:]


def test_pause_resume_cancel_while_watching(server, alice):
    job_id = start(alice, slow_rows(40)).json()["job_id"]
    ws = connect(server, job_id, token=alice.token)
    first = json.loads(ws.recv())
    assert first["type"] == "catchup"
    assert alice.post(f"/api/batch/jobs/{job_id}/pause").status_code == 200
    msgs, _ = read_all(ws, until=lambda m: m.get("type") == "paused")
    # Paused and idle: keepalives say so (DOCTAG_WS_KEEPALIVE_SEC=2 in the tests).
    msgs, _ = read_all(ws, until=lambda m: m.get("type") == "keepalive", limit=15)
    assert msgs[-1] == {"type": "keepalive", "job_id": job_id, "status": "paused"}
    assert alice.post(f"/api/batch/jobs/{job_id}/resume").status_code == 200
    read_all(ws, until=lambda m: m.get("type") == "resumed")
    assert alice.post(f"/api/batch/jobs/{job_id}/cancel").status_code == 200
    msgs, code = read_all(ws)
    assert code == 1000
    last = msgs[-1]
    assert last["type"] == "cancelled" and last["job_id"] == job_id
    assert last["message"].startswith("Cancelled: ") and "processed before cancellation" in last["message"]
    assert wait_done(alice, job_id)["status"] == "cancelled"


def test_closing_a_socket_does_not_touch_the_job(server, alice):
    job_id = start(alice, slow_rows(6)).json()["job_id"]
    ws = connect(server, job_id, token=alice.token)
    ws.recv()
    ws.close()
    s = wait_done(alice, job_id)
    assert s["status"] == "completed" and s["results_count"] == 6


def test_plain_get_is_not_an_upgrade(api, alice):
    r = alice.get(f"/api/batch/ws/{uuid.uuid4()}")
    assert r.status_code == 400
