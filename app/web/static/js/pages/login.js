// "/login": sign in, create an account, or carry on anonymously.

import { api, auth } from "../api.js";
import { h, errorBox } from "../dom.js";

function safeNext(query) {
  const next = query.get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

async function signIn(username, password) {
  const token = await api("/auth/token", { method: "POST", form: { username, password, grant_type: "password" } });
  auth.set(token.access_token, username);
}

function field(id, label, attrs, help) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, name: attrs.name, ...attrs, "aria-describedby": help ? `${id}-help` : null }),
    help ? h("p", { class: "help", id: `${id}-help` }, help) : null);
}

function authForm({ title, id, submitLabel, fields, action, next }) {
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", "aria-labelledby": `${id}-h` },
    h("h2", { id: `${id}-h` }, title), fields, status,
    h("button", { type: "submit", class: "btn btn-primary" }, submitLabel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.replaceChildren();
    try {
      await action(data);
      window.descentNavigate(next);
    } catch (err) {
      status.replaceChildren(errorBox(err));
      form.querySelector("input")?.focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function render(view, _params, query) {
  const next = safeNext(query);
  if (auth.signedIn) {
    view.append(h("h1", {}, "You are signed in"),
      h("p", {}, `Signed in as ${auth.user}. `, h("a", { href: next }, "Continue")));
    return "Signed in";
  }
  const signInForm = authForm({
    title: "Sign in", id: "signin", submitLabel: "Sign in", next,
    fields: [
      field("signin-username", "Username", { name: "username", autocomplete: "username", required: true }),
      field("signin-password", "Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    ],
    action: (d) => signIn(d.username, d.password),
  });
  const signUpForm = authForm({
    title: "Create an account", id: "signup", submitLabel: "Create account", next,
    fields: [
      field("signup-username", "Choose a username", { name: "username", autocomplete: "username", required: true, pattern: "[A-Za-z0-9_.\\-]{3,32}" },
        "3 to 32 letters, digits, '.', '_' or '-'."),
      field("signup-password", "Choose a password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: "10" },
        "At least 10 characters: letters plus a digit or symbol."),
    ],
    action: async (d) => {
      await api("/users", { method: "POST", body: { username: d.username, password: d.password } });
      await signIn(d.username, d.password);
    },
  });
  view.append(
    h("h1", {}, "Sign in to keep your progress"),
    h("p", { class: "lede" }, "An account stores your attempts, schedules spaced reviews and shows your mastery per topic. Your password is stored hashed; you can export or delete everything at any time through the API."),
    h("div", { class: "auth" }, signInForm, signUpForm),
    h("p", {}, "Or ", h("a", { href: next }, "carry on anonymously"), ": every answer is still graded, just not kept."));
  return "Sign in";
}
