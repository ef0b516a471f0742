// The server's dependency checks (public, like /api/health).
import { request } from "../api.js";
import { h, notice } from "../dom.js";

export async function render(main) {
  let body;
  try {
    body = await request("GET", "/api/health", { auth: false });
  } catch (e) {
    // 503 still carries the checks.
    body = e.body && e.body.checks ? e.body : null;
    if (!body) return void main.append(h("h1", "Health"), notice("error", e.message));
  }
  main.append(
    h("h1", "Health"),
    notice(body.status === "healthy" ? "ok" : "error", `${body.status} · version ${body.version}${body.message ? ` · ${body.message}` : ""}`),
    h(
      "table.rows#health",
      h("thead", h("tr", ["Dependency", "Status", "Detail", "Latency"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        Object.entries(body.checks || {}).map(([name, c]) =>
          h("tr", { class: c.status === "ok" ? "ok" : "bad" }, h("td", name), h("td", c.status), h("td", c.detail || ""), h("td", c.latency_ms === null || c.latency_ms === undefined ? "–" : `${c.latency_ms} ms`)),
        ),
      ),
    ),
  );
}
