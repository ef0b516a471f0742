// A job: its documents, and while it runs the live progress from the
// WebSocket with pause / resume / cancel.
import { get, jobSocketUrl, post } from "../api.js";
import { busy, clear, fmtDate, h, notice, pct } from "../dom.js";

const FINAL = ["completed", "cancelled", "failed"];

export async function render(main, [id], { isCurrent }) {
  const job = await get(`/api/history/jobs/${id}`);
  const state = { status: job.status, total: job.total_documents, ok: job.processed_count, failed: job.failed_count, rows: new Map() };
  const out = h("div#job-out", { "aria-live": "polite" });
  const bar = h("progress#job-progress", { max: "1", value: "0" });
  const counts = h("p.counts#job-counts");
  const status = h("span.badge#job-status");
  const rowsBox = h("div.table-wrap#job-rows");
  const pause = h("button#pause", { type: "button" }, "Pause");
  const resume = h("button#resume", { type: "button" }, "Resume");
  const cancel = h("button.danger#cancel", { type: "button" }, "Cancel");
  let socket = null;

  function paint() {
    const done = state.ok + state.failed;
    bar.value = state.total ? done / state.total : 0;
    bar.textContent = pct(bar.value);
    status.textContent = state.status;
    status.className = `badge ${state.status}`;
    counts.textContent = `${done} of ${state.total} done: ${state.ok} succeeded, ${state.failed} failed (${pct(bar.value)})`;
    const live = !FINAL.includes(state.status);
    pause.hidden = !live || state.status === "paused";
    resume.hidden = state.status !== "paused";
    cancel.hidden = !live;
    if (!state.rows.size) return;
    clear(
      rowsBox,
      h(
        "table.rows",
        h("caption", "Rows"),
        h("thead", h("tr", ["#", "Title", "Status", "Tags or error"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          [...state.rows.values()]
            .sort((a, b) => a.row_number - b.row_number)
            .map((r) =>
              h(
                "tr",
                { class: r.status === "success" ? "ok" : r.status === "failed" ? "bad" : "" },
                h("td", String(r.row_number)),
                h("td", r.title || ""),
                h("td", r.status),
                h("td", r.status === "failed" ? r.error || "" : (r.tags || []).join(", ")),
              ),
            ),
        ),
      ),
    );
  }

  function onEvent(m) {
    if (m.error && !m.type) {
      clear(out, notice("error", m.error));
      return;
    }
    switch (m.type) {
      case "catchup":
        Object.assign(state, { status: m.state.status, total: m.state.total, ok: m.state.processed_count, failed: m.state.failed_count });
        for (const r of m.results || []) state.rows.set(r.row_id, r);
        break;
      case "progress":
        state.rows.set(m.row_id, m);
        if (m.status === "success") state.ok++;
        if (m.status === "failed") state.failed++;
        if (state.status === "pending") state.status = "processing";
        break;
      case "paused":
        state.status = "paused";
        break;
      case "resumed":
        state.status = "processing";
        break;
      case "keepalive":
        state.status = m.status;
        break;
      case "completed":
      case "cancelled":
      case "failed":
        state.status = m.type;
        state.ok = m.processed_count ?? state.ok;
        state.failed = m.failed_count ?? state.failed;
        clear(out, notice(m.type === "completed" ? "ok" : "warn", m.message || m.type));
        showDocuments();
        break;
      case "error":
        state.status = "failed";
        clear(out, notice("error", m.error));
        break;
    }
    paint();
  }

  function connect() {
    if (!isCurrent()) return;
    socket = new WebSocket(jobSocketUrl(id));
    socket.addEventListener("message", (ev) => {
      try {
        onEvent(JSON.parse(ev.data));
      } catch {
        /* not ours */
      }
    });
    socket.addEventListener("close", () => {
      // Dropped before the end (network, server restart): catch up again.
      if (!FINAL.includes(state.status) && isCurrent()) setTimeout(connect, 2000);
    });
  }
  window.addEventListener("hashchange", () => socket && socket.close(), { once: true });

  const command = (btn, verb) =>
    btn.addEventListener(
      "click",
      busy(btn, async () => {
        try {
          await post(`/api/batch/jobs/${id}/${verb}`);
        } catch (e) {
          clear(out, notice("error", e.message));
        }
      }),
    );
  command(pause, "pause");
  command(resume, "resume");
  command(cancel, "cancel");

  const docsBox = h("div#job-documents");
  async function showDocuments() {
    const j = await get(`/api/history/jobs/${id}`);
    clear(
      docsBox,
      h("h2", "Documents"),
      h(
        "ul.doc-list",
        j.documents.map((d) =>
          h("li", h("a", { href: `#/documents/${d.id}` }, d.title || d.file_path || d.id), " ", h("span", { class: `badge ${d.status}` }, d.status), d.error_message ? h("span.muted", ` ${d.error_message}`) : null),
        ),
      ),
    );
  }

  main.append(
    h(
      "section.card",
      h("h1", job.job_type === "batch" ? "Batch job" : "Job", " ", status),
      h("p.muted", `Started ${fmtDate(job.started_at || job.created_at)}${job.completed_at ? `, finished ${fmtDate(job.completed_at)}` : ""}`),
      bar,
      counts,
      h("div.actions", pause, resume, cancel),
      out,
      rowsBox,
    ),
    h("section.card", docsBox),
  );
  paint();
  if (FINAL.includes(job.status)) await showDocuments();
  else connect();
}
