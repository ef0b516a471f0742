"""The web app in a real browser: headless Chromium driven by Selenium
against the real doctag-server (started as tests/api does). The tests run in
file order as one user's story, then a second user's; each saves a
screenshot of its screen under build/web-screenshots/.

What the browser shows is checked against what the API answers for the same
user, so the test fails when the app shows something else than the server
says (a missing tag, a hidden error, another user's document)."""
import base64
import json
import os
import pathlib
import re
import sys
import tempfile
import time
import uuid

import pytest
import requests

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "api"))
from conftest import corpus_dir, manifest, start_server  # noqa: E402  (the API tests' server)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SHOTS = pathlib.Path(os.environ.get("DOCTAG_SCREENSHOT_DIR",
                                    pathlib.Path(os.environ.get("DOCTAG_BIN_DIR", HERE.parent.parent / "build" / "bin")).parent
                                    / "web-screenshots"))
FIRST_SCREEN_MAX = 200 * 1024
WAIT = 90
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


def files(kind, lang=None):
    out = [f["path"] for f in manifest() if f.get("kind") == kind and (lang is None or f.get("lang") == lang)
           and f.get("expect", "ok") == "ok"]
    if not out:
        pytest.skip(f"no {kind} PDFs in the corpus")
    return [corpus_dir() / p for p in sorted(out)]


@pytest.fixture(scope="module")
def server():
    # One batch worker thread: rows are done one after the other, so the
    # job page has progress to show.
    srv = start_server("embedded", {"DOCTAG_WORKERS": "1", "DOCTAG_ALLOW_PRIVATE_URLS": "1"})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    opts = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="doctag-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument("--window-size=1280,1000")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.binary_location = os.environ.get("DOCTAG_CHROMIUM", "/usr/bin/chromium")
    service = Service(executable_path=os.environ.get("DOCTAG_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(browser):
    """No JavaScript error or CSP violation on any screen. Chromium also logs
    each 4xx answer as an error; those are the server's answers the app
    shows, not faults of the page."""
    browser.get_log("browser")
    yield
    bad = [e["message"] for e in browser.get_log("browser")
           if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]
    assert not bad, bad


class Story:
    """What the earlier steps left for the later ones."""
    alice = None
    bob = None
    document = None      # alice's SinglePDFResponse
    job_id = None


def shot(driver, name):
    """The whole page, not only the window (DevTools' captureBeyondViewport)."""
    try:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        (SHOTS / f"{name}.png").write_bytes(base64.b64decode(png["data"]))
    except Exception:  # an older driver without CDP: the window is enough
        driver.save_screenshot(str(SHOTS / f"{name}.png"))


def wait_for(driver, css, timeout=WAIT, visible=True):
    def find(d):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            if not visible or el.is_displayed():
                return el
        return False
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(find)
    except TimeoutException:
        shot(driver, "timeout-" + re.sub(r"[^a-z0-9]+", "-", css.lower()))
        errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".notice.error")]
        raise AssertionError(f"{css!r} did not appear at {driver.current_url}; errors shown: {errors}")


def wait_text(driver, css, pattern, timeout=WAIT):
    rx = re.compile(pattern)
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.1).until(
            lambda d: any(rx.search(e.text) for e in d.find_elements(By.CSS_SELECTOR, css)))
    except TimeoutException:
        shot(driver, "timeout-text")
        raise AssertionError(f"{css!r} never read /{pattern}/: {[e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]}")
    return driver.find_element(By.CSS_SELECTOR, css)


def session(driver):
    return json.loads(driver.execute_script("return localStorage.getItem('doctag.session')") or "null")


def expire_soon(driver):
    """Makes the stored access token due to run out in a minute and reloads:
    the app then refreshes it within seconds."""
    driver.execute_script("""
        const s = JSON.parse(localStorage.getItem('doctag.session'));
        s.expiresAt = Date.now() + 61000;
        localStorage.setItem('doctag.session', JSON.stringify(s));""")
    driver.refresh()


def api(server, driver, method, path, **kw):
    """The API as the browser's user sees it (the app's own token)."""
    s = session(driver)
    headers = {"Authorization": f"Bearer {s['access']}"} if s else {}
    return requests.request(method, server.url(path), headers=headers, timeout=120, **kw)


def downloaded(driver, button, name, timeout=WAIT):
    """Clicks `button` and returns the bytes of the file the browser saved
    as `name` (downloads go to a fresh directory, set through DevTools)."""
    where = pathlib.Path(tempfile.mkdtemp(prefix="doctag-downloads-"))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(where)})
    button.click()
    deadline = time.time() + timeout
    while time.time() < deadline:
        f = where / name
        if f.exists() and not list(where.glob("*.crdownload")):
            return f.read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded; the directory has {[p.name for p in where.iterdir()]}")


def sign_up(driver, server, prefix):
    email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
    password = "pw-" + uuid.uuid4().hex[:12]
    driver.get(server.url("/app/#/signup"))
    wait_for(driver, "#email").send_keys(email)
    driver.find_element(By.ID, "full_name").send_keys(prefix.title())
    driver.find_element(By.ID, "password").send_keys(password)
    shot(driver, f"signup-{prefix}")
    driver.find_element(By.ID, "auth-submit").click()
    wait_for(driver, "#dropzone")
    assert driver.find_element(By.CSS_SELECTOR, "#who .email").text == email
    return email, password


def test_browser_lands_on_the_app_and_first_screen_is_small(server, browser):
    browser.get(server.url("/"))
    wait_for(browser, "#email")
    assert browser.current_url.startswith(server.url("/app/")), browser.current_url
    assert browser.current_url.endswith("#/login")
    shot(browser, "login")
    # Transfer of the first screen, as the browser counts it, all from this origin.
    entries = browser.execute_script(
        "return [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]"
        ".map(e => ({name: e.name, size: e.transferSize || e.encodedBodySize || 0}))")
    total = sum(e["size"] for e in entries)
    assert total <= FIRST_SCREEN_MAX, (total, entries)
    assert all(e["name"].startswith(server.base) for e in entries), entries


def test_sign_up_upload_shows_tags(server, browser):
    Story.alice = sign_up(browser, server, "alice")
    pdf = files("text", "eng")[0]
    browser.find_element(By.ID, "pdf-file").send_keys(str(pdf))
    assert pdf.name in browser.find_element(By.ID, "chosen").text
    shot(browser, "process")
    browser.find_element(By.ID, "process-submit").click()
    result = wait_for(browser, "#result")
    shown = [e.text for e in result.find_elements(By.CSS_SELECTOR, ".tag-name")]
    meters = result.find_elements(By.CSS_SELECTOR, "meter.score")
    shot(browser, "process-result")
    # The document the app shows is the one the server recorded for this user.
    docs = api(server, browser, "GET", "/api/history/documents").json()["documents"]
    assert len(docs) == 1
    doc = api(server, browser, "GET", f"/api/history/documents/{docs[0]['id']}").json()
    assert shown == doc["tags"] and len(shown) >= 3
    assert len(meters) == len(shown)
    assert result.find_element(By.ID, "result-title").text == doc["title"]
    assert doc["processing_metadata"]["detected_language"] in result.text
    assert "Pages read" in result.text and "text layer" in result.text
    preview = result.find_element(By.CSS_SELECTOR, "pre.preview").text
    assert preview and preview.split()[0] in doc["extracted_text"]
    Story.document = doc


@pytest.fixture(scope="module")
def pdf_site():
    """A local web server with one PDF, for the URL source."""
    import http.server
    import threading
    body = files("text", "eng")[-1].read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/report.pdf" else 404)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body) if self.path == "/report.pdf" else 0))
            self.end_headers()
            if self.path == "/report.pdf":
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_process_by_url_and_plain_text(server, browser, pdf_site):
    assert Story.alice
    browser.get(browser.current_url.split("#")[0] + "#/process")
    wait_for(browser, "#dropzone")
    browser.find_element(By.CSS_SELECTOR, "input[name=source][value=url]").click()
    assert not browser.find_element(By.ID, "dropzone").is_displayed()
    browser.find_element(By.ID, "pdf-url").send_keys(pdf_site + "/report.pdf")
    browser.find_element(By.ID, "process-submit").click()
    result = wait_for(browser, "#process-out #result")
    docs = api(server, browser, "GET", "/api/history/documents").json()["documents"]
    assert docs[0]["file_source_type"] == "url" and docs[0]["file_path"] == pdf_site + "/report.pdf"
    assert [e.text for e in result.find_elements(By.CSS_SELECTOR, ".tag-name")] == docs[0]["tags"]
    shot(browser, "process-url")
    # A URL the server cannot fetch: its own message.
    field = browser.find_element(By.ID, "pdf-url")
    field.clear()
    field.send_keys(pdf_site + "/missing.pdf")
    browser.find_element(By.ID, "process-submit").click()
    error = wait_for(browser, "#process-out .notice.error")
    assert error.text.startswith("Failed to download PDF from URL"), error.text
    # Plain text (POST /api/single/tag-text).
    text = ("Riverside municipal water board notice. The water supply to the eastern ward will be interrupted "
            "on Tuesday for pipeline maintenance. Residents should store drinking water. ") * 3
    browser.find_element(By.ID, "tag-text").send_keys(text)
    browser.find_element(By.ID, "tag-text-submit").click()
    result = wait_for(browser, "#process-out #result")
    assert "plain text" in result.text and result.find_elements(By.CSS_SELECTOR, ".tag-name")
    shot(browser, "process-text")


def test_bad_file_shows_the_servers_message(server, browser):
    """Dropped files go through the drop handler (a real DataTransfer)."""
    assert Story.alice, "needs the signed-up user"
    cases = [("notes.txt", b"plain text, not a PDF"), ("broken.pdf", b"%PDF-1.4\nthis is not a PDF body\n%%EOF\n")]
    for name, data in cases:
        browser.get(browser.current_url.split("#")[0] + "#/process")
        browser.refresh()   # a fresh form (the URL test left the URL source chosen)
        wait_for(browser, "#dropzone")
        browser.execute_script("""
            const [name, b64] = arguments;
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: name.endsWith('.pdf') ? 'application/pdf' : 'text/plain'}));
            const zone = document.getElementById('dropzone');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        """, name, base64.b64encode(data).decode())
        assert name in browser.find_element(By.ID, "chosen").text
        browser.find_element(By.ID, "process-submit").click()
        error = wait_for(browser, "#process-out .notice.error")
        expected = api(server, browser, "POST", "/api/single/process", data={"config": "{}"},
                       files={"pdf_file": (name, data, "application/pdf")})
        assert expected.status_code == 400, expected.text
        assert error.text == expected.json()["detail"]
        shot(browser, "bad-file-" + name.replace(".", "-"))


def test_scan_without_a_key_shows_warnings_pages_and_evidence(server, browser):
    """A scanned PDF asked of a model with no key: the app shows the
    server's warning, each page's method and OCR confidence, and whether
    each tag occurs in the text; with "strict" it shows the server's 400."""
    assert Story.alice
    pdf = min(files("scanned"), key=lambda p: p.stat().st_size)  # under the tests' upload limit
    browser.get(browser.current_url.split("#")[0] + "#/process")
    browser.refresh()
    wait_for(browser, "#dropzone")
    browser.find_element(By.CSS_SELECTOR, "details.options summary").click()
    model = browser.find_element(By.CSS_SELECTOR, "details.options input[name=model_name]")
    model.clear()
    model.send_keys("openai/gpt-4o-mini")
    browser.find_element(By.ID, "pdf-file").send_keys(str(pdf))
    browser.find_element(By.ID, "process-submit").click()
    result = wait_for(browser, "#result", timeout=240)
    shot(browser, "process-warnings")
    docs = api(server, browser, "GET", "/api/history/documents").json()["documents"]
    doc = api(server, browser, "GET", f"/api/history/documents/{docs[0]['id']}").json()
    meta = doc["processing_metadata"]
    assert meta["warnings"], meta
    shown = [e.text for e in result.find_elements(By.CSS_SELECTOR, ".notice.warn li")]
    assert shown[:len(meta["warnings"])] == meta["warnings"]
    # every page read, with its method and confidence as the server has them
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in result.find_elements(By.CSS_SELECTOR, "table.pages tbody tr")]
    assert rows and len(rows) == len(meta["pages"]), (rows, meta["pages"])
    methods = {"ocr_tesseract": "OCR", "text_layer": "text layer", "empty": "empty"}
    for row, page in zip(rows, meta["pages"]):
        assert row[1] == methods[page["method"]], (row, page)
        if page["ocr_confidence"] is None:
            assert row[2] == "–", (row, page)
        else:  # shown to one decimal
            assert abs(float(row[2].rstrip("%")) - page["ocr_confidence"]) <= 0.051, (row, page)
    assert "OCR" in [row[1] for row in rows], rows
    # each tag says whether it occurs in the text
    marks = [e.text for e in result.find_elements(By.CSS_SELECTOR, "li.tag .evidence")]
    details = meta["tag_details"]
    assert marks == ["in text" if t["evidence"] else "inferred" for t in details], (marks, details)
    # strict: the server's refusal, shown as it says it
    browser.find_element(By.CSS_SELECTOR, "details.options input[name=strict]").click()
    browser.find_element(By.ID, "process-submit").click()
    error = wait_for(browser, "#process-out .notice.error")
    assert error.text == "No API key for model 'openai/gpt-4o-mini'"
    shot(browser, "process-strict")


def test_keyboard_only_login_and_token_refresh(server, browser):
    """Log out, log in with the keyboard alone; then a token close to its
    expiry is refreshed by the app before it runs out."""
    assert Story.alice
    email, password = Story.alice
    browser.find_element(By.CSS_SELECTOR, "#who button").click()
    field = wait_for(browser, "#email")
    assert browser.switch_to.active_element == field
    field.send_keys(email, Keys.TAB)
    browser.switch_to.active_element.send_keys(password, Keys.ENTER)
    wait_for(browser, "#dropzone")
    # The drop zone is reachable by keyboard.
    zone = browser.find_element(By.ID, "dropzone")
    assert zone.get_attribute("tabindex") == "0"
    old = session(browser)
    expire_soon(browser)
    WebDriverWait(browser, 30, poll_frequency=0.2).until(lambda d: session(d)["access"] != old["access"])
    new = session(browser)
    assert new["refresh"] != old["refresh"] and new["expiresAt"] > time.time() * 1000 + 25 * 60 * 1000
    assert api(server, browser, "GET", "/api/auth/me").status_code == 200
    # Two tabs due to refresh at once send the single-use refresh token once:
    # a second exchange of the same token would revoke the whole family.
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(server.url("/app/#/process"))
    wait_for(browser, "#dropzone")
    before = session(browser)
    expire_soon(browser)
    browser.switch_to.window(first)
    browser.refresh()
    WebDriverWait(browser, 30, poll_frequency=0.2).until(lambda d: (session(d) or {}).get("refresh") != before["refresh"])
    time.sleep(8)   # both tabs' timers have fired by now
    for handle in browser.window_handles:
        browser.switch_to.window(handle)
        assert session(browser), "a tab was logged out"
    browser.switch_to.window(browser.window_handles[-1])
    browser.close()
    browser.switch_to.window(first)
    assert session(browser)["refresh"] != before["refresh"]
    # Still a live session (a reused refresh token would have been refused
    # and logged the tab out, and revokes the family's access tokens).
    assert api(server, browser, "GET", "/api/auth/me").status_code == 200


def test_batch_of_five_rows_live_progress_pause_resume(server, browser, tmp_path):
    assert Story.alice
    # Scanned pages (OCR) take long enough that the progress is visible.
    pdfs = (files("scanned") * 5)[:5]
    csv = tmp_path / "batch.csv"
    lines = ["title,description,file_source_type,file_path,publishing_date,file_size"]
    lines += [f"Row {i + 1} {p.stem},,local,{p},," for i, p in enumerate(pdfs)]
    csv.write_text("\r\n".join(lines) + "\r\n")
    browser.get(browser.current_url.split("#")[0] + "#/batch")
    # The template button saves the server's template as a file.
    template = downloaded(browser, wait_for(browser, "#template"), "doctag-batch-template.csv")
    assert template.decode() == api(server, browser, "GET", "/api/batch/template").json()["template"]
    wait_text(browser, ".hint", "file_source_type")
    browser.find_element(By.ID, "csv-file").send_keys(str(csv))
    wait_text(browser, "#rows caption", "^5 rows$")
    browser.find_element(By.ID, "validate").click()
    wait_text(browser, "#batch-out .notice", "5 of 5 paths are valid")
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#rows td.check")] == ["valid"] * 5
    shot(browser, "batch-validated")
    browser.find_element(By.ID, "start").click()
    wait_for(browser, "#job-progress")
    Story.job_id = browser.current_url.rsplit("/", 1)[1]
    # Pause at the first finished row; the count must then stand still.
    wait_text(browser, "#job-counts", r"^[1-4] of 5 done")
    assert not browser.find_element(By.ID, "resume").is_displayed()
    browser.find_element(By.ID, "pause").click()
    wait_text(browser, "#job-status", "^paused$")
    assert browser.find_element(By.ID, "resume").is_displayed() and not browser.find_element(By.ID, "pause").is_displayed()
    paused_at = int(browser.find_element(By.ID, "job-counts").text.split()[0])
    shot(browser, "batch-paused")
    time.sleep(3)
    still = int(browser.find_element(By.ID, "job-counts").text.split()[0])
    assert still <= paused_at + 1, (paused_at, still)   # the row in hand may finish
    assert api(server, browser, "GET", f"/api/batch/jobs/{Story.job_id}/status").json()["status"] == "paused"
    browser.find_element(By.ID, "resume").click()
    seen = set()
    deadline = time.time() + 300
    while time.time() < deadline:
        text = browser.find_element(By.ID, "job-counts").text
        seen.add(text.split(" of ")[0])
        if browser.find_element(By.ID, "job-status").text == "completed":
            break
        time.sleep(0.1)
    shot(browser, "batch-completed")
    status = api(server, browser, "GET", f"/api/batch/jobs/{Story.job_id}/status").json()
    assert status["status"] == "completed", status
    assert browser.find_element(By.ID, "job-counts").text.startswith(
        f"5 of 5 done: {status['processed_count']} succeeded, {status['failed_count']} failed")
    assert re.search(r"Completed: \d+ succeeded, \d+ failed", browser.find_element(By.ID, "job-out").text)
    # Live: counts between the pause and the end were shown as they came.
    assert len(seen - {str(paused_at), "5"}) >= 1 or paused_at == 4, seen
    # A finished job offers no commands.
    assert not any(browser.find_element(By.ID, b).is_displayed() for b in ("pause", "resume", "cancel"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#job-rows tbody tr")
    assert len(rows) == 5
    assert len(wait_for(browser, "#job-documents").find_elements(By.CSS_SELECTOR, "li")) == 5


def test_cancel_a_batch(server, browser, tmp_path):
    assert Story.alice
    pdfs = (files("scanned") * 5)[:5]
    rows = [{"title": f"Cancel {i}", "file_source_type": "local", "file_path": str(p)} for i, p in enumerate(pdfs)]
    job = api(server, browser, "POST", "/api/batch/start", json={"documents": rows, "config": {}}).json()
    browser.get(browser.current_url.split("#")[0] + f"#/jobs/{job['job_id']}")
    wait_for(browser, "#cancel").click()
    wait_text(browser, "#job-status", "^cancelled$", timeout=120)
    wait_text(browser, "#job-out", "Cancelled")
    shot(browser, "batch-cancelled")


def test_job_page_takes_a_catch_up_sent_in_frames(server, browser):
    """The API tests' server sends 8 results a frame: a job page opened on a
    job with more results gets its catch-up as one message in many frames
    (RFC 6455 fragments, which Chromium puts together) and shows every row."""
    assert Story.alice
    bad = [{"title": f"Frag {i}", "file_source_type": "local"} for i in range(30)]
    slow = [{"title": f"Slow {i}", "file_source_type": "local", "file_path": str(p)}
            for i, p in enumerate((files("scanned") * 3)[:3])]
    job_id = api(server, browser, "POST", "/api/batch/start", json={"documents": bad + slow, "config": {}}).json()["job_id"]
    deadline = time.time() + 60
    while api(server, browser, "GET", f"/api/batch/jobs/{job_id}/status").json()["results_count"] < 30:
        assert time.time() < deadline
        time.sleep(0.2)
    assert api(server, browser, "POST", f"/api/batch/jobs/{job_id}/pause").status_code == 200
    browser.get(browser.current_url.split("#")[0] + f"#/jobs/{job_id}")
    wait_text(browser, "#job-status", "^paused$")
    # Rows 0-29 ended before the page connected: only the catch-up has them.
    wait_text(browser, "#job-counts", r"^3[0-3] of 33 done")
    # One read of the table (every event paints it anew), once it is painted:
    # the counts can show before the rows do (seen empty once in CI).
    deadline = time.time() + 30
    while True:
        titles = browser.execute_script(
            "return [...document.querySelectorAll('#job-rows tbody tr')].map((r) => r.cells[1].textContent)")
        if len(titles) >= 30 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert titles[:30] == [f"Frag {i}" for i in range(30)]
    wait_for(browser, "#resume").click()
    wait_text(browser, "#job-status", "^completed$", timeout=180)
    wait_text(browser, "#job-counts", r"^33 of 33 done: [0-3] succeeded, 3[0-3] failed")


def test_search_finds_the_document_with_matches_marked(server, browser):
    assert Story.document
    word = max(Story.document["tags"][0].split(), key=len)
    browser.get(browser.current_url.split("#")[0] + "#/history")
    wait_for(browser, "#search").send_keys(word, Keys.ENTER)
    count = wait_text(browser, "#search-count", r"found")
    expected = api(server, browser, "GET", "/api/history/documents/search", params={"query": word}).json()
    assert count.text.startswith(f"{expected['total']} document")
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#search-results .doc-title")]
    assert Story.document["title"] in titles
    marks = [e.text.lower() for e in browser.find_elements(By.CSS_SELECTOR, "#search-results mark")]
    assert word.lower() in marks
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results .snippet mark")
    shot(browser, "history-search")
    # The jobs table counts what the server has.
    total = api(server, browser, "GET", "/api/history/jobs").json()["total"]
    assert total >= 3
    wait_text(browser, "#jobs caption", rf"of {total}$")


def test_document_page_download_and_reprocess(server, browser):
    assert Story.document
    doc_id = Story.document["id"]
    browser.get(browser.current_url.split("#")[0] + f"#/documents/{doc_id}")
    title = wait_for(browser, "#document-title")
    assert title.text == Story.document["title"]
    assert "Pages read" in browser.page_source
    # The download is the stored PDF itself.
    blob = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const s = JSON.parse(localStorage.getItem('doctag.session'));
        fetch('/api/history/documents/' + arguments[0] + '/file', {headers: {authorization: 'Bearer ' + s.access}})
          .then(r => r.arrayBuffer()).then(b => done(new Uint8Array(b).slice(0, 5).reduce((a, c) => a + String.fromCharCode(c), '')));
    """, doc_id)
    assert blob == "%PDF-"
    # The button saves the stored PDF itself, under its file name.
    stored = api(server, browser, "GET", f"/api/history/documents/{doc_id}/file").content
    name = Story.document["file_path"].split("/")[-1]
    assert downloaded(browser, browser.find_element(By.ID, "download"), name) == stored
    shot(browser, "document")
    before = api(server, browser, "GET", "/api/history/jobs").json()["total"]
    browser.find_element(By.ID, "reprocess").click()
    result = wait_for(browser, "#document-out #result")
    assert result.find_element(By.ID, "result-title").text == Story.document["title"]
    assert api(server, browser, "GET", "/api/history/jobs").json()["total"] == before + 1   # a new single job
    shot(browser, "document-reprocessed")


def test_stats_and_health(server, browser):
    assert Story.alice
    browser.get(browser.current_url.split("#")[0] + "#/stats")
    tiles = wait_for(browser, "#stats")
    stats = api(server, browser, "GET", "/api/history/stats").json()
    assert tiles.text.split("\n")[:2] == [str(stats["total_jobs"]), "Jobs"]
    shot(browser, "stats")
    browser.get(browser.current_url.split("#")[0] + "#/health")
    table = wait_for(browser, "#health")
    health = requests.get(server.url("/api/health"), timeout=60).json()
    for name in health["checks"]:
        assert name in table.text
    shot(browser, "health")


def test_second_user_sees_none_of_it(server, browser):
    assert Story.document and Story.job_id
    browser.find_element(By.CSS_SELECTOR, "#who button").click()
    wait_for(browser, "#email")
    Story.bob = sign_up(browser, server, "bob")
    browser.get(browser.current_url.split("#")[0] + "#/history")
    wait_for(browser, "#no-documents")
    wait_text(browser, "#jobs", "No jobs yet")
    word = max(Story.document["tags"][0].split(), key=len)
    browser.find_element(By.ID, "search").send_keys(word, Keys.ENTER)
    wait_text(browser, "#search-count", "^0 documents found$")
    shot(browser, "second-user-history")
    browser.get(browser.current_url.split("#")[0] + f"#/documents/{Story.document['id']}")
    wait_text(browser, ".notice.error", "(?i)not found")
    browser.get(browser.current_url.split("#")[0] + f"#/jobs/{Story.job_id}")
    wait_text(browser, ".notice.error", "(?i)not found")
    shot(browser, "second-user-foreign-job")


def test_phone_width_is_readable(server, browser):
    """No sideways scrolling on a 390 px wide screen, on every screen."""
    browser.set_window_size(390, 844)
    try:
        for route, ready in (("process", "#dropzone"), ("batch", "#template"), ("history", "#jobs"),
                             ("stats", "#stats"), ("health", "#health")):
            browser.get(browser.current_url.split("#")[0] + "#/" + route)
            wait_for(browser, ready)
            width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (route, width)
            shot(browser, "phone-" + route)
    finally:
        browser.set_window_size(1280, 1000)


def test_api_docs_page_renders_every_operation(server, browser):
    browser.get(server.url("/api/docs"))
    doc = requests.get(server.url("/api/openapi.json"), timeout=30).json()
    operations = sum(1 for ops in doc["paths"].values() for m in ops if m in ("get", "post", "delete"))
    if (HERE.parent.parent / "web" / "vendor" / "swagger-ui").is_dir():
        wait_for(browser, ".opblock", timeout=60)
        WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) == operations)
    else:
        wait_for(browser, ".fallback .op")
        assert len(browser.find_elements(By.CSS_SELECTOR, ".fallback .op")) == operations
    shot(browser, "api-docs")
    entries = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(e.startswith(server.base) for e in entries), entries
