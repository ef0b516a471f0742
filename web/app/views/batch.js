// A batch from a CSV: the template, the rows read in the browser, their
// paths validated by the server, then the job started (its page shows the
// live progress).
import { get, post } from "../api.js";
import { busy, clear, download, h, notice } from "../dom.js";
import { configForm } from "./config.js";
import { parseCsv } from "./csv.js";

const FIELDS = [
  ["title", true],
  ["file_path", true],
  ["file_source_type", true],
  ["description", false],
  ["publishing_date", false],
  ["file_size", false],
];

export function render(main) {
  const out = h("div#batch-out", { "aria-live": "polite" });
  const cfg = configForm();
  let csv = null;
  let checked = null;

  const templateBtn = h("button#template", { type: "button" }, "Download the CSV template");
  templateBtn.addEventListener(
    "click",
    busy(templateBtn, async () => {
      try {
        const t = await get("/api/batch/template");
        download(new Blob([t.template], { type: "text/csv" }), "doctag-batch-template.csv");
        clear(columnsHelp, h("ul", t.columns.map((c) => h("li", h("code", c.name), c.required ? " (required) " : " ", c.description))));
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );
  const columnsHelp = h("div.hint");

  const input = h("input#csv-file", { type: "file", accept: ".csv,text/csv" });
  const mapping = h("div.mapping#mapping");
  const table = h("div.table-wrap#rows");
  const validateBtn = h("button#validate", { type: "button", disabled: true }, "Validate paths");
  const webhook = h("input#webhook-url", { type: "url", placeholder: "optional: https://… called when the job ends", autocomplete: "off" });
  const startBtn = h("button.primary#start", { type: "button", disabled: true }, "Start the batch");

  const selects = {};
  const columnOf = (f) => (selects[f] ? selects[f].value : f);
  const rows = () => (csv ? csv.records : []);
  const typeOf = (r) => (r[columnOf("file_source_type")] || "").toLowerCase();

  function showMapping() {
    clear(
      mapping,
      h("h3", "Columns"),
      h(
        "div.grid",
        FIELDS.map(([f, req]) => {
          const s = h(
            "select",
            { id: `map-${f}` },
            req ? null : h("option", { value: "" }, "(none)"),
            csv.header.map((c) => h("option", { value: c, selected: c === f }, c)),
          );
          if (!csv.header.includes(f) && req) s.value = csv.header[0];
          if (!csv.header.includes(f) && !req) s.value = "";
          selects[f] = s;
          s.addEventListener("change", showRows);
          return h("div.field", h("label", { for: s.id }, `${f}${req ? " *" : ""}`), s);
        }),
      ),
    );
  }

  function showRows() {
    const list = rows();
    clear(
      table,
      h(
        "table.rows",
        h("caption", `${list.length} row${list.length === 1 ? "" : "s"}`),
        h("thead", h("tr", ["#", "Title", "Source", "Path", "Check"].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          list.map((r, i) => {
            const c = checked && checked[i];
            return h(
              "tr",
              { class: c ? (c.valid ? "ok" : "bad") : "" },
              h("td", String(i + 1)),
              h("td", r[columnOf("title")] || ""),
              h("td", typeOf(r)),
              h("td.path", r[columnOf("file_path")] || ""),
              h("td.check", c ? (c.valid ? "valid" : c.error || "invalid") : "–"),
            );
          }),
        ),
      ),
    );
    validateBtn.disabled = startBtn.disabled = !list.length;
  }

  input.addEventListener("change", async () => {
    checked = null;
    clear(out);
    const f = input.files[0];
    if (!f) return;
    csv = parseCsv(await f.text());
    if (!csv.records.length) {
      clear(out, notice("error", "The CSV has no rows under its header."));
      csv = null;
      clear(mapping);
      clear(table);
      return;
    }
    showMapping();
    showRows();
  });

  validateBtn.addEventListener(
    "click",
    busy(validateBtn, async () => {
      try {
        const r = await post("/api/batch/validate-paths", { paths: rows().map((x) => ({ path: x[columnOf("file_path")] || "", type: typeOf(x) })) });
        checked = r.results;
        showRows();
        clear(out, notice(r.invalid_count ? "warn" : "ok", `${r.valid_count} of ${r.total} paths are valid${r.invalid_count ? "; invalid rows fail alone if you start anyway" : ""}.`));
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );

  startBtn.addEventListener(
    "click",
    busy(startBtn, async () => {
      const column_mapping = {};
      for (const [f] of FIELDS) if (selects[f] && selects[f].value && selects[f].value !== f) column_mapping[f] = selects[f].value;
      const body = { documents: rows(), config: cfg.value(), column_mapping };
      if (webhook.value.trim()) body.webhook_url = webhook.value.trim();
      try {
        const r = await post("/api/batch/start", body);
        location.hash = `#/jobs/${r.job_id}`;
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );

  main.append(
    h(
      "section.card",
      h("h1", "Batch from a CSV"),
      h("p", "One row per PDF: a URL, an s3:// path or a file on the server (inside its allowed folders)."),
      templateBtn,
      columnsHelp,
      h("label", { for: "csv-file" }, "CSV file"),
      input,
      mapping,
      table,
      cfg.el,
      h("label", { for: "webhook-url" }, "Webhook"),
      webhook,
      h("div.actions", validateBtn, startBtn),
    ),
    out,
  );
}
