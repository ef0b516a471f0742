// A tagging result as people read it: title, tags with score bars and
// whether they occur in the text, language, pages with their method and
// OCR confidence, warnings, and the start of the text.
import { h } from "../dom.js";

const METHOD = { text_layer: "text layer", ocr_tesseract: "OCR", empty: "empty", mixed: "text layer + OCR", ocr: "OCR", text: "plain text" };

export function methodName(m) {
  return METHOD[m] || m || "–";
}

export function tagList(details, tags) {
  const items = details && details.length ? details : (tags || []).map((t) => ({ tag: t, score: null }));
  if (!items.length) return h("p.muted", "No tags.");
  return h(
    "ul.tags",
    items.map((t) =>
      h(
        "li.tag",
        h("span.tag-name", t.tag),
        t.score === null || t.score === undefined
          ? null
          : h("meter.score", { min: "0", max: "1", value: String(t.score), title: `score ${t.score}`, "aria-label": `score ${t.score}` }),
        t.score === null || t.score === undefined ? null : h("span.score-num", t.score.toFixed(2)),
        t.evidence === true
          ? h("span.evidence", { title: "The tag occurs in the extracted text" }, "in text")
          : t.evidence === false
            ? h("span.evidence.no", { title: "The tag does not occur word for word in the text" }, "inferred")
            : typeof t.evidence === "string"
              ? h("q.evidence-text", t.evidence)
              : null,
      ),
    ),
  );
}

export function pageTable(pages) {
  if (!pages || !pages.length) return null;
  return h(
    "table.pages",
    h("caption", "Pages read"),
    h("thead", h("tr", h("th", { scope: "col" }, "Page"), h("th", { scope: "col" }, "Method"), h("th", { scope: "col" }, "OCR confidence"))),
    h(
      "tbody",
      pages.map((p) =>
        h("tr", h("td", String(p.page)), h("td", methodName(p.method)), h("td", p.ocr_confidence === null || p.ocr_confidence === undefined ? "–" : `${p.ocr_confidence.toFixed(1)}%`)),
      ),
    ),
  );
}

export function facts(list) {
  return h("dl.facts", list.filter(([, v]) => v !== undefined).map(([k, v]) => [h("dt", k), h("dd", v === null || v === "" ? "–" : String(v))]));
}

export function warnings(list, needsReview) {
  const items = [...(list || [])];
  if (needsReview) items.push("The text may be unreliable: check the tags before relying on them.");
  if (!items.length) return null;
  return h("div.notice.warn", { role: "status" }, h("strong", "Warnings"), h("ul", items.map((w) => h("li", w))));
}

/** The SinglePDFResponse of /api/single/process, tag-text or reprocess. */
export function renderResult(r) {
  return h(
    "section.card.result#result",
    { "aria-labelledby": "result-title" },
    h("h2#result-title", r.document_title || "(untitled)"),
    warnings(r.warnings, r.needs_review),
    h("h3", "Tags"),
    tagList(r.tag_details, r.tags),
    facts([
      ["Language", r.detected_language],
      ["Pages", r.page_count],
      ["Method", methodName(r.extraction_method)],
      ["Scanned", r.is_scanned ? "yes" : "no"],
      ["OCR confidence", r.ocr_confidence === null ? null : `${r.ocr_confidence.toFixed(1)}%`],
      ["Tagger", r.model_name],
      ["Time", `${r.processing_time.toFixed(2)} s`],
    ]),
    pageTable(r.pages),
    h("h3", "Text preview"),
    h("pre.preview", r.extracted_text_preview || ""),
    r.document_id ? h("p", h("a", { href: `#/documents/${r.document_id}` }, "Open the document page")) : null,
  );
}
