"""WebSocket /api/batch/ws/{job_id}: authentication and ownership refusals
(1008), catch-up then every event live, two sockets on one job, steering
over HTTP while a socket watches, keepalive, closing never touches the job."""
import json
import socket
import time
import uuid

import pytest
import websocket

from conftest import ended_first, new_user, start_server
from test_batch import local_row, slow_rows, start, wait_done


def ws_url(server, job_id, token=None):
    url = server.base.replace("http://", "ws://") + f"/api/batch/ws/{job_id}"
    return url + (f"?token={token}" if token else "")


# websocket-client checks a text message's UTF-8 in pure Python (about
# 2 s of test CPU per 8 MiB catch-up, far more than the server spends on
# it); recv() and json.loads still decode it strictly.
UTF8 = {"skip_utf8_validation": True}


def connect(server, job_id, token=None, header_token=None):
    headers = [f"Authorization: Bearer {header_token}"] if header_token else []
    return websocket.create_connection(ws_url(server, job_id, token), header=headers, timeout=60, **UTF8)


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
    # Both sockets saw the same live events once both were connected. A row
    # claimed before the pause may end between the two connects: the first
    # socket gets it live, the second in its catch-up (which carries the seq
    # it covers), so the events up to the later catch-up are not compared.
    both = max(ma[0]["seq"], mb[0]["seq"])
    live_a = [m["seq"] for m in ma[1:] if m.get("seq", 0) > both]
    live_b = [m["seq"] for m in mb[1:] if m.get("seq", 0) > both]
    assert live_a == live_b and len(live_a) >= 2, (live_a, live_b)  # at least "resumed" and "completed"


def paused_with_results(client, bad, slow):
    """A job of the `bad` rows, then `slow` ones, held paused once the bad
    ones failed (a catch-up of a paused job is the fragmented message): its
    id and settled status. Pausing stops no row already claimed, and the
    "slow" rows take milliseconds each: when they all ended the job before
    it was paused, or while pausing, it cannot be held paused, so a new job
    is tried."""
    for _ in range(5):
        job_id = start(client, bad + slow_rows(slow)).json()["job_id"]
        deadline = time.time() + 120
        while client.get(f"/api/batch/jobs/{job_id}/status").json()["results_count"] < len(bad):
            assert time.time() < deadline, "the bad rows did not fail"
            time.sleep(0.1)
        if ended_first(client.post(f"/api/batch/jobs/{job_id}/pause")):
            continue
        # Paused: the documents in hand finish, then nothing changes.
        status, last = None, None
        while status is None or status != last:
            last = status
            time.sleep(1.5)
            status = client.get(f"/api/batch/jobs/{job_id}/status").json()
        if status["status"] == "completed":
            continue
        assert status["status"] == "paused"
        return job_id, status
    raise AssertionError("every job ended before it could be held paused")


def test_large_catchup_is_one_message_in_many_frames(server, alice):
    """A catch-up of more results than a frame holds (8 here) comes as one
    fragmented message: a TEXT frame without FIN, continuation frames, the
    last with FIN; its JSON is the catch-up of the job as it stood, every
    result once, and the job's events follow it, none inside it."""
    bad = [{"title": f'bad "{i}" é', "file_source_type": "local"} for i in range(70)]
    slow = 60
    job_id, status = paused_with_results(alice, bad, slow)

    ws = connect(server, job_id, token=alice.token)
    frames = []
    while not frames or not frames[-1].fin:
        f = ws.recv_frame()
        if f.opcode == websocket.ABNF.OPCODE_PONG:
            continue
        frames.append(f)
        if len(frames) == 1:
            ws.ping(b"mid-message")   # a control frame may come between the fragments
    assert frames[0].opcode == websocket.ABNF.OPCODE_TEXT and not frames[0].fin
    assert all(f.opcode == websocket.ABNF.OPCODE_CONT for f in frames[1:]), [(f.opcode, f.fin, f.data[:40]) for f in frames]
    n = status["results_count"]
    assert len(frames) == (n + 7) // 8   # the head rides with the first 8, the end with the last
    first = json.loads(b"".join(f.data for f in frames).decode("utf-8"))
    assert first["type"] == "catchup" and first["job_id"] == job_id
    assert first["state"] == {"status": "paused", "total": 70 + slow, "processed_count": status["processed_count"],
                              "failed_count": status["failed_count"], "progress": status["progress"]}
    results = first["results"]
    assert len(results) == n
    assert len({r["row_id"] for r in results}) == n
    assert {r["row_id"]: r["title"] for r in results if r["row_id"] < 70} == {i: f'bad "{i}" é' for i in range(70)}
    for r in results:
        assert r["row_number"] == r["row_id"] + 1
        assert r["status"] == ("failed" if r["row_id"] < 70 else "success")

    # Two sockets, possibly in two server workers, get the same message;
    # sockets that leave in the middle of it change nothing for the others.
    for _ in range(3):
        gone = connect(server, job_id, token=alice.token)
        assert not gone.recv_frame().fin
        gone.sock.close()
    for _ in range(8):   # the last frame's timing varies with each socket's writes
        other = connect(server, job_id, header_token=alice.token)
        assert json.loads(other.recv()) == first
        other.close()

    # Then the events: the rest of the job, each row once, after the message.
    assert alice.post(f"/api/batch/jobs/{job_id}/resume").status_code == 200
    msgs, code = read_all(ws, limit=120)
    assert code == 1000
    assert all(m.get("type") != "catchup" for m in msgs)
    assert msgs[-1]["type"] == "completed"
    done = rows_seen([first] + msgs)
    assert done == {i: ("failed" if i < 70 else "success") for i in range(70 + slow)}


def test_catchups_beyond_the_cap_wait():
    """DOCTAG_WS_CATCHUPS=1 (one kore worker): while one socket's catch-up
    is being sent (its reader stalls, so the message of about 8 MiB cannot
    all be written), a second socket gets nothing yet: it waits, is not
    refused. Once the first is read to its end the second gets the same
    whole message, and a third and fourth coming together get it too, one
    after the other. The cap is the server's, whatever the backend."""
    srv = start_server("embedded", {"DOCTAG_WS_CATCHUPS": "1", "DOCTAG_HTTP_WORKERS": "1",
                                      "DOCTAG_MAX_UPLOAD_MB": "20"})
    try:
        client = new_user(srv, "cap")
        bad = [{"title": f"{i} " + "x" * 40000, "file_source_type": "local"} for i in range(200)]
        # many slow rows: the job must not finish between the bad rows failing
        # and the pause, however fast the machine (40 did, idle, once)
        job_id, status = paused_with_results(client, bad, 400)
        url = ws_url(srv, job_id, client.token)
        held = websocket.create_connection(url, timeout=60, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),),
                                           **UTF8)
        first = held.recv_frame()
        assert first.opcode == websocket.ABNF.OPCODE_TEXT and not first.fin
        waiting = websocket.create_connection(url, timeout=60, **UTF8)
        waiting.settimeout(3)
        with pytest.raises(websocket.WebSocketTimeoutException):
            waiting.recv_frame()   # no slot: not a byte of its catch-up yet
        waiting.settimeout(120)
        parts = [first.data]
        while True:
            f = held.recv_frame()
            if f.opcode in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_CONT):
                parts.append(f.data)
                if f.fin:
                    break
        whole = json.loads(b"".join(parts))
        assert whole["type"] == "catchup" and len(whole["results"]) == status["results_count"]
        assert sorted(r["row_id"] for r in whole["results"] if r["status"] == "failed") == list(range(200))
        assert json.loads(waiting.recv()) == whole
        more = [websocket.create_connection(url, timeout=120, **UTF8) for _ in range(2)]
        for ws in more:
            assert json.loads(ws.recv()) == whole
        for ws in [held, waiting] + more:
            ws.close()
    finally:
        srv.stop()


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
