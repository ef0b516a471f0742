// The web app's shell: hash routes (#/process, #/jobs/<id> ...), the
// navigation, and the login gate. Each view is a module whose render(main,
// params) fills <main>; views load on first use so the first screen stays
// small. Plain ES modules, no build step.
import { currentUser, logout, onSession } from "./api.js";
import { clear, h, notice } from "./dom.js";

const routes = [
  // [pattern, module, title, needs login]
  [/^\/login$/, "./views/auth.js", "Log in", false],
  [/^\/signup$/, "./views/auth.js", "Sign up", false],
  [/^\/health$/, "./views/health.js", "Health", false],
  [/^\/process$/, "./views/process.js", "Process a PDF", true],
  [/^\/batch$/, "./views/batch.js", "Batch", true],
  [/^\/jobs\/([0-9a-fA-F-]+)$/, "./views/job.js", "Job", true],
  [/^\/history$/, "./views/history.js", "History", true],
  [/^\/documents\/([0-9a-fA-F-]+)$/, "./views/document.js", "Document", true],
  [/^\/stats$/, "./views/stats.js", "Stats", true],
];

const links = [
  ["#/process", "Process"],
  ["#/batch", "Batch"],
  ["#/history", "History"],
  ["#/stats", "Stats"],
  ["#/health", "Health"],
];

const main = document.getElementById("main");
let generation = 0;

function renderNav() {
  const user = currentUser();
  const here = location.hash.split("?")[0];
  clear(
    document.getElementById("nav"),
    user
      ? links.map(([href, label]) =>
          h("a", { href, "aria-current": here.startsWith(href) ? "page" : null }, label))
      : [h("a", { href: "#/login" }, "Log in"), h("a", { href: "#/signup" }, "Sign up")],
  );
  clear(
    document.getElementById("who"),
    user
      ? [
          h("span.email", user.email),
          h("button.link", { type: "button", on: { click: () => logout().then(() => go("#/login")) } }, "Log out"),
        ]
      : [],
  );
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const gen = ++generation;
  const path = (location.hash.replace(/^#/, "") || "/process").split("?")[0];
  renderNav();
  const found = routes.find(([re]) => re.test(path));
  if (!found) {
    clear(main, h("h1", "Not found"), h("p", h("a", { href: "#/process" }, "Go to the start")));
    return;
  }
  const [re, mod, title, needsLogin] = found;
  if (needsLogin && !currentUser()) {
    sessionStorage.setItem("doctag.after-login", "#" + path);
    go("#/login");
    return;
  }
  document.title = `${title} · doctag`;
  try {
    const view = await import(mod);
    if (gen !== generation) return; // the user went elsewhere meanwhile
    clear(main);
    await view.render(main, path.match(re).slice(1), { path, title, isCurrent: () => gen === generation });
  } catch (e) {
    if (gen === generation) clear(main, h("h1", title), notice("error", e.message || String(e)));
  }
  // Focus follows the route change for keyboard and screen-reader users.
  if (gen === generation && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

// Logged out (here or in another tab): a page that needs a login goes to it.
onSession((s) => (s ? renderNav() : route()));
window.addEventListener("hashchange", route);
if (!location.hash) history.replaceState(null, "", currentUser() ? "#/process" : "#/login");
route();
