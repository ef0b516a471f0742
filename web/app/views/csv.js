// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, a BOM.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  const nonEmpty = rows.filter((r) => r.some((f) => f.trim() !== ""));
  if (!nonEmpty.length) return { header: [], records: [] };
  const header = nonEmpty[0].map((x) => x.trim());
  const records = nonEmpty.slice(1).map((r) => Object.fromEntries(header.map((k, i) => [k, (r[i] || "").trim()])));
  return { header, records };
}
