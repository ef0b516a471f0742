// A document: its tags, how it was read, its text, the stored PDF to
// download, and reprocessing with other options.
import { get, post, request } from "../api.js";
import { busy, clear, download, fmtDate, h, notice } from "../dom.js";
import { configForm } from "./config.js";
import { facts, methodName, pageTable, renderResult, tagList, warnings } from "./result.js";

export async function render(main, [id]) {
  const d = await get(`/api/history/documents/${id}`);
  const m = d.processing_metadata || {};
  const out = h("div#document-out", { "aria-live": "polite" });
  const dl = h("button#download", { type: "button" }, "Download the PDF");
  dl.addEventListener(
    "click",
    busy(dl, async () => {
      try {
        const r = await request("GET", `/api/history/documents/${id}/file`, { raw: true });
        const name = (d.file_path || "document.pdf").split("/").pop() || "document.pdf";
        download(await r.blob(), name.toLowerCase().endsWith(".pdf") ? name : `${name}.pdf`);
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );
  const cfg = configForm();
  const again = h("button.primary#reprocess", { type: "submit" }, "Reprocess");
  const reform = h("form.card", h("h2", "Reprocess"), h("p.muted", "Tag the stored PDF again; the result becomes a new job."), cfg.el, h("div.actions", again));
  reform.addEventListener(
    "submit",
    busy(again, async () => {
      clear(out, h("p", { role: "status" }, "Reprocessing…"));
      try {
        clear(out, renderResult(await post(`/api/history/documents/${id}/reprocess`, { config: cfg.value() })));
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );
  const hasFile = d.mime_type === "application/pdf" && d.file_source_type !== "text";
  main.append(
    h(
      "section.card",
      h("h1#document-title", d.title || d.file_path || "(untitled)"),
      h("span", { class: `badge ${d.status}` }, d.status),
      d.error_message ? notice("error", d.error_message) : null,
      warnings(m.warnings, m.needs_review),
      h("h2", "Tags"),
      tagList(m.tag_details, d.tags),
      facts([
        ["Source", `${d.file_source_type || ""} ${d.file_path || ""}`.trim()],
        ["Size", d.file_size ? `${Math.ceil(d.file_size / 1024)} KB` : null],
        ["Language", m.detected_language],
        ["Pages", m.page_count],
        ["Method", methodName(m.extraction_method)],
        ["OCR confidence", m.ocr_confidence === null || m.ocr_confidence === undefined ? null : `${m.ocr_confidence.toFixed(1)}%`],
        ["Tagger", m.model_name],
        ["Processed", fmtDate(d.processed_at)],
      ]),
      pageTable(m.pages),
      h("div.actions", hasFile ? dl : null, h("a.button", { href: `#/jobs/${d.job_id}` }, "Its job")),
      out,
    ),
    reform,
    h("section.card", h("details", h("summary", `Extracted text (${(d.extracted_text || "").length} characters)`), h("pre.preview.full", d.extracted_text || ""))),
  );
}
