// The tagging options (TaggingConfig) shared by the process, batch and
// reprocess forms. Ranges are the server's; it still checks them (422).
import { h } from "../dom.js";

let seq = 0;

export function configForm() {
  const id = (n) => `cfg-${n}-${++seq}`;
  const field = (label, input, hint) => {
    input.id = input.id || id(input.name);
    return h("div.field", h("label", { for: input.id }, label), input, hint ? h("small.hint", hint) : null);
  };
  const model = h("input", { name: "model_name", value: "local", list: "models", autocomplete: "off" });
  const models = h("datalist#models", ["local", "openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"].map((m) => h("option", { value: m })));
  const key = h("input", { name: "api_key", type: "password", autocomplete: "off", placeholder: "the server's key, if any" });
  const tags = h("input", { name: "num_tags", type: "number", min: "3", max: "15", value: "8" });
  const pages = h("input", { name: "num_pages", type: "number", min: "1", max: "10", value: "3" });
  const ocr = h("select", { name: "ocr" }, ["auto", "force", "off"].map((v) => h("option", { value: v }, v)));
  const lang = h("input", { name: "language", placeholder: "automatic, or e.g. eng+hin", autocomplete: "off" });
  const exclusion = h("input", { name: "exclusion_words", placeholder: "comma-separated", autocomplete: "off" });
  const strict = h("input", { name: "strict", type: "checkbox" });
  const el = h(
    "details.options",
    h("summary", "Tagging options"),
    h(
      "div.grid",
      field("Model", model, "local = the offline tagger"),
      models,
      field("API key", key, "Optional; sent with this request only, never stored"),
      field("Tags", tags),
      field("Pages to read", pages),
      field("OCR", ocr),
      field("OCR languages", lang),
      field("Exclude words", exclusion),
      h("div.field.check", strict, h("label", { for: (strict.id = id("strict")) }, "Fail instead of falling back to the offline tagger")),
    ),
  );
  const value = () => {
    const c = { model_name: model.value.trim() || "local", num_tags: Number(tags.value), num_pages: Number(pages.value), ocr: ocr.value };
    if (key.value) c.api_key = key.value;
    if (lang.value.trim()) c.language = lang.value.trim();
    const ex = exclusion.value.split(",").map((w) => w.trim()).filter(Boolean);
    if (ex.length) c.exclusion_words = ex;
    if (strict.checked) c.strict = true;
    return c;
  };
  return { el, value };
}
