// Log in and sign up. After either, the app goes where the user was headed.
import { login, register } from "../api.js";
import { busy, h, notice } from "../dom.js";

export function render(main, _params, { path }) {
  const signup = path === "/signup";
  const out = h("div.out", { "aria-live": "polite" });
  const email = h("input#email", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input#password", {
    type: "password",
    name: "password",
    required: true,
    minlength: signup ? "8" : null,
    autocomplete: signup ? "new-password" : "current-password",
  });
  const name = h("input#full_name", { type: "text", name: "full_name", autocomplete: "name" });
  const submit = h("button.primary#auth-submit", { type: "submit" }, signup ? "Create account" : "Log in");
  const form = h(
    "form.card.narrow",
    { novalidate: false },
    h("h1", signup ? "Create an account" : "Log in"),
    h("label", { for: "email" }, "Email"),
    email,
    signup ? [h("label", { for: "full_name" }, "Name (optional)"), name] : null,
    h("label", { for: "password" }, "Password"),
    password,
    signup ? h("p.hint", "At least 8 characters, not a common password.") : null,
    submit,
    out,
    h(
      "p",
      signup ? "Already have an account? " : "New here? ",
      h("a", { href: signup ? "#/login" : "#/signup" }, signup ? "Log in" : "Sign up"),
    ),
  );
  form.addEventListener(
    "submit",
    busy(submit, async () => {
      out.replaceChildren();
      try {
        if (signup) await register(email.value.trim(), password.value, name.value.trim());
        else await login(email.value.trim(), password.value);
        const next = sessionStorage.getItem("doctag.after-login") || "#/process";
        sessionStorage.removeItem("doctag.after-login");
        location.hash = next;
      } catch (e) {
        out.replaceChildren(notice("error", e.message));
        password.focus();
      }
    }),
  );
  main.append(form);
  email.focus();
}
