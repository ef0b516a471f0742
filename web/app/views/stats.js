// Counts of the user's jobs and documents, and the recent jobs.
import { get } from "../api.js";
import { fmtDate, h } from "../dom.js";

export async function render(main) {
  const s = await get("/api/history/stats");
  const byStatus = Object.entries(s.jobs_by_status || {});
  const most = Math.max(1, ...byStatus.map(([, n]) => n));
  main.append(
    h("h1", "Stats"),
    h(
      "div.tiles#stats",
      [["Jobs", s.total_jobs], ["Documents", s.total_documents], ["Tagged", s.documents_processed], ["Failed", s.documents_failed]].map(([k, v]) =>
        h("div.tile", h("span.big", String(v)), h("span", k)),
      ),
    ),
    h(
      "section.card",
      h("h2", "Jobs by state"),
      byStatus.length
        ? h("ul.bars", byStatus.map(([k, n]) => h("li", h("span.bar-label", k), h("meter", { min: "0", max: String(most), value: String(n) }), h("span", String(n)))))
        : h("p.muted", "No jobs yet."),
    ),
    h(
      "section.card",
      h("h2", "Recent activity"),
      h("ul.doc-list", (s.recent_activity || []).map((j) => h("li", h("a", { href: `#/jobs/${j.id}` }, `${j.job_type} job`), ` ${j.status}, ${j.total_documents} document(s), ${fmtDate(j.created_at)}`))),
    ),
  );
}
