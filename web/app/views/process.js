// One PDF, by upload (drag and drop or the file picker) or by URL.
import { post, request } from "../api.js";
import { busy, clear, h, notice } from "../dom.js";
import { configForm } from "./config.js";
import { renderResult } from "./result.js";

export function render(main) {
  const cfg = configForm();
  const out = h("div#process-out", { "aria-live": "polite" });
  let file = null;

  const input = h("input#pdf-file.visually-hidden", { type: "file", accept: "application/pdf,.pdf" });
  const chosen = h("span.chosen#chosen", "No file chosen");
  const zone = h(
    "label.dropzone#dropzone",
    { for: "pdf-file" },
    h("strong", "Drop a PDF here"),
    h("span", " or press Enter to choose one"),
    h("br"),
    chosen,
  );
  const pick = (f) => {
    file = f || null;
    chosen.textContent = file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : "No file chosen";
    zone.classList.toggle("has-file", !!file);
  };
  input.addEventListener("change", () => pick(input.files[0]));
  zone.tabIndex = 0;
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      input.click();
    }
  });
  for (const ev of ["dragenter", "dragover"])
    zone.addEventListener(ev, (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files.length) pick(e.dataTransfer.files[0]);
  });

  const url = h("input#pdf-url", { type: "url", placeholder: "https://example.com/report.pdf or s3://bucket/key", autocomplete: "off" });
  const mode = h("fieldset.mode", h("legend", "Source"),
    h("label", h("input", { type: "radio", name: "source", value: "file", checked: true }), " Upload"),
    h("label", h("input", { type: "radio", name: "source", value: "url" }), " URL"),
  );
  const fileBox = h("div.source-file", input, zone);
  const urlBox = h("div.source-url", { hidden: true }, h("label", { for: "pdf-url" }, "PDF URL"), url);
  mode.addEventListener("change", () => {
    const isUrl = mode.querySelector("input:checked").value === "url";
    fileBox.hidden = isUrl;
    urlBox.hidden = !isUrl;
  });

  const submit = h("button.primary#process-submit", { type: "submit" }, "Tag it");
  const form = h("form.card", h("h1", "Process a PDF"), mode, fileBox, urlBox, cfg.el, h("div.actions", submit));
  form.addEventListener(
    "submit",
    busy(submit, async () => {
      const isUrl = !urlBox.hidden;
      const fd = new FormData();
      fd.append("config", JSON.stringify(cfg.value()));
      if (isUrl) {
        if (!url.value.trim()) return void clear(out, notice("error", "Enter the PDF's URL."));
        fd.append("pdf_url", url.value.trim());
      } else {
        if (!file) return void clear(out, notice("error", "Choose or drop a PDF first."));
        fd.append("pdf_file", file, file.name);
      }
      clear(out, h("p.progress-note", { role: "status" }, "Reading and tagging… scanned pages take longer."));
      try {
        const r = await request("POST", "/api/single/process", { form: fd });
        clear(out, renderResult(r));
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );

  // Plain text, for what is not a PDF.
  const text = h("textarea#tag-text", { rows: "4", placeholder: "Paste text to tag it without a PDF" });
  const textSubmit = h("button#tag-text-submit", { type: "submit" }, "Tag text");
  const textForm = h("form.card", h("h2", "Or tag plain text"), h("label.visually-hidden", { for: "tag-text" }, "Text"), text, h("div.actions", textSubmit));
  textForm.addEventListener(
    "submit",
    busy(textSubmit, async () => {
      try {
        clear(out, renderResult(await post("/api/single/tag-text", { text: text.value, config: cfg.value() })));
      } catch (e) {
        clear(out, notice("error", e.message));
      }
    }),
  );
  main.append(form, out, textForm);
}
