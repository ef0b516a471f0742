// History: the jobs (by state, page by page), the documents, and full-text
// search over title, tags and text with the matches marked.
import { get } from "../api.js";
import { busy, clear, fmtDate, h, highlight, notice } from "../dom.js";

const PAGE = 20;
const SNIPPETS = 10;

function docItem(d, words, snippet) {
  return h(
    "li.doc",
    h("a.doc-title", { href: `#/documents/${d.id}` }, highlight(d.title || d.file_path || "(untitled)", words)),
    " ",
    h("span", { class: `badge ${d.status}` }, d.status),
    h("div.doc-tags", (d.tags || []).map((t) => h("span.chip", highlight(t, words)))),
    snippet ? h("p.snippet", highlight(snippet, words)) : null,
    d.error_message ? h("p.muted", d.error_message) : null,
    h("small.muted", `${d.file_source_type || ""} · ${fmtDate(d.processed_at || d.created_at)}`),
  );
}

/** Some text around the first word found in the extracted text. */
function snippetOf(text, words) {
  if (!text) return null;
  const low = text.toLowerCase();
  const at = Math.min(...words.map((w) => low.indexOf(w.toLowerCase())).filter((i) => i >= 0));
  if (!isFinite(at)) return null;
  const start = Math.max(0, at - 80);
  return (start ? "…" : "") + text.slice(start, at + 160).replace(/\s+/g, " ") + "…";
}

export async function render(main) {
  const out = h("div#history-out", { "aria-live": "polite" });
  const q = h("input#search", { type: "search", placeholder: "Search titles, tags and text", autocomplete: "off" });
  const searchBtn = h("button.primary#search-submit", { type: "submit" }, "Search");
  const results = h("div#search-results");
  const searchForm = h("form.card.search", { role: "search" }, h("label", { for: "search" }, "Search documents"), h("div.inline", q, searchBtn), results);
  searchForm.addEventListener(
    "submit",
    busy(searchBtn, async () => {
      const query = q.value.trim();
      if (!query) return void clear(results);
      try {
        const r = await get(`/api/history/documents/search?query=${encodeURIComponent(query)}&limit=50`);
        const words = query.split(/\s+/).filter(Boolean);
        // The summaries carry no text: the first hits get a passage of theirs.
        const details = await Promise.all(r.documents.slice(0, SNIPPETS).map((d) => get(`/api/history/documents/${d.id}`).catch(() => null)));
        clear(
          results,
          h("p.counts#search-count", { role: "status" }, `${r.total} document${r.total === 1 ? "" : "s"} found`),
          h("ul.doc-list", r.documents.map((d, i) => docItem(d, words, details[i] && snippetOf(details[i].extracted_text, words)))),
        );
      } catch (e) {
        clear(results, notice("error", e.message));
      }
    }),
  );

  const filter = h("select#job-filter", h("option", { value: "" }, "all"), ["processing", "paused", "completed", "cancelled", "failed", "pending"].map((s) => h("option", { value: s }, s)));
  const jobsBox = h("div.table-wrap#jobs");
  const prev = h("button", { type: "button" }, "Previous");
  const next = h("button", { type: "button" }, "Next");
  let offset = 0;
  async function loadJobs() {
    try {
      const r = await get(`/api/history/jobs?limit=${PAGE}&offset=${offset}${filter.value ? `&status=${filter.value}` : ""}`);
      prev.disabled = offset === 0;
      next.disabled = offset + PAGE >= r.total;
      clear(
        jobsBox,
        r.jobs.length
          ? h(
              "table.rows",
              h("caption", `Jobs ${r.total ? offset + 1 : 0}–${offset + r.jobs.length} of ${r.total}`),
              h("thead", h("tr", ["Job", "Type", "Status", "Documents", "Created"].map((c) => h("th", { scope: "col" }, c)))),
              h(
                "tbody",
                r.jobs.map((j) =>
                  h(
                    "tr",
                    h("td", h("a", { href: `#/jobs/${j.id}` }, j.id.slice(0, 8))),
                    h("td", j.job_type),
                    h("td", h("span", { class: `badge ${j.status}` }, j.status)),
                    h("td", `${j.processed_count} ok, ${j.failed_count} failed of ${j.total_documents}`),
                    h("td", fmtDate(j.created_at)),
                  ),
                ),
              ),
            )
          : h("p.muted", "No jobs yet."),
      );
    } catch (e) {
      clear(jobsBox, notice("error", e.message));
    }
  }
  filter.addEventListener("change", () => {
    offset = 0;
    loadJobs();
  });
  prev.addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    loadJobs();
  });
  next.addEventListener("click", () => {
    offset += PAGE;
    loadJobs();
  });

  const docsBox = h("div#documents");
  main.append(
    h("h1", "History"),
    searchForm,
    out,
    h("section.card", h("h2", "Jobs"), h("label", { for: "job-filter" }, "State "), filter, jobsBox, h("div.actions", prev, next)),
    h("section.card", h("h2", "Recent documents"), docsBox),
  );
  const [, docs] = await Promise.all([loadJobs(), get("/api/history/documents?limit=50")]);
  clear(docsBox, docs.documents.length ? h("ul.doc-list#document-list", docs.documents.map((d) => docItem(d, []))) : h("p.muted#no-documents", "No documents yet."));
}
