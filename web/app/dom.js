// Small DOM helpers. Text is always set as text (never parsed as HTML):
// titles, tags and extracted text come from untrusted PDFs.

/** h("div.card#id", {attrs, on: {click}}, ...children) */
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined && attrs !== null) children.unshift(attrs);
    attrs = {};
  }
  // "tag.class1.class2#id", the parts in any order after the tag.
  const tag = spec.match(/^[a-z0-9]*/)[0] || "div";
  const el = document.createElement(tag);
  const classes = [];
  for (const [, kind, name] of spec.slice(tag.length).matchAll(/([.#])([^.#]+)/g)) {
    if (kind === "#") el.id = name;
    else classes.push(name);
  }
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "on") for (const [ev, f] of Object.entries(v)) el.addEventListener(ev, f);
    else if (k === "class") el.className = [el.className, v].filter(Boolean).join(" ");
    else if (k === "text") el.textContent = v;
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A message box: kind is "error", "warn" or "ok". role=alert reads it out. */
export function notice(kind, text) {
  return h(`div.notice.${kind}`, { role: kind === "error" ? "alert" : "status" }, text);
}

/** Text with every occurrence of the words marked (<mark>), case-insensitive. */
export function highlight(text, words) {
  const frag = document.createDocumentFragment();
  const ws = words.filter((w) => w.length > 1).map((w) => w.toLowerCase());
  if (!text) return frag;
  if (!ws.length) {
    frag.append(text);
    return frag;
  }
  const re = new RegExp(ws.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  let last = 0;
  for (const m of text.matchAll(re)) {
    frag.append(text.slice(last, m.index), h("mark", m[0]));
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

export function fmtDate(s) {
  if (!s) return "–";
  const d = new Date(s);
  return isNaN(d) ? s : d.toLocaleString();
}

export function pct(x) {
  return `${Math.round((x || 0) * 100)}%`;
}

/** Saves a Blob under a file name. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A button that shows it is busy while fn runs; errors go to `out`. */
export function busy(button, fn) {
  return async (ev) => {
    if (ev) ev.preventDefault();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await fn();
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  };
}
