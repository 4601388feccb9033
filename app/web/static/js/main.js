// Start-up: header (account, theme, menu, due badge, Ask) and the client-side router.

import { api, auth, features, ApiError } from "./api.js";
import { h, clear, errorBox } from "./dom.js";
import { mountHeaderAsk } from "./ask.js";
import { assets } from "./assets.js";

const ROUTES = [
  [/^\/$/, "home", "topics"],
  [/^\/topics\/?$/, "home", "topics"],
  [/^\/topics\/([^/]+)$/, "topic", "topics"],
  [/^\/questions\/([^/]+)$/, "question", "topics"],
  [/^\/demos\/?$/, "demos", "demos"],
  [/^\/demos\/([^/]+)$/, "demo", "demos"],
  [/^\/reviews$/, "reviews", "reviews"],
  [/^\/progress$/, "progress", "progress"],
  [/^\/interview$/, "interview", "interview"],
  [/^\/login$/, "login", ""],
];

const CHART_PAGES = new Set(["demo", "progress"]);
const main = document.getElementById("main");
let renderToken = 0;
let firstRoute = true;

/** Fetch the chart library's bytes now, while the page's modules still load; plot.js runs them. */
function preloadChartLibrary() {
  assets().then((urls) => {
    const url = urls.plotly_cartesian || urls.plotly;
    if (!url || document.querySelector(`link[rel="preload"][href="${url}"]`)) return;
    document.head.append(h("link", { rel: "preload", as: "script", href: url }));
  }).catch(() => {});
}

/** Go to an app URL without reloading the page. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  route();
}
window.descentNavigate = navigate;

async function route() {
  const token = ++renderToken;
  const { pathname, search, hash } = window.location;
  const match = ROUTES.map(([re, page, nav]) => [pathname.match(re), page, nav]).find(([m]) => m);
  markNav(match ? match[2] : "");
  document.querySelector(".site-nav")?.classList.remove("open");
  document.querySelector(".menu-toggle")?.setAttribute("aria-expanded", "false");
  const view = h("div", { class: "view", "aria-busy": "true" });
  clear(main).append(view);  // pages render into the live document (charts need a size)
  try {
    if (!match) throw new ApiError(404, { title: "Page not found", detail: `Nothing lives at ${pathname}.` });
    const [m, page] = match;
    // Pages with charts: the chart library starts loading now, alongside the page's own code.
    // (The demo page runs it only once its first run is sent: running Plotly's script holds the
    // page's thread for a few hundred milliseconds, which would hold up that request.)
    if (CHART_PAGES.has(page)) {
      preloadChartLibrary();
      if (page !== "demo") import("./plot.js").then((plot) => plot.loadPlotly()).catch(() => {});
    }
    const module = await import(`./pages/${page}.js`);
    const params = m.slice(1).map(decodeURIComponent);
    const title = await module.render(view, params, new URLSearchParams(search));
    if (token !== renderToken) return;  // a newer navigation won
    document.title = title ? `${title} · Descent` : "Descent";
  } catch (err) {
    if (token !== renderToken) return;
    console.warn(err);
    clear(view).append(h("h1", {}, err.status === 404 ? "Not found" : "Something went wrong"), errorBox(err),
      h("p", {}, h("a", { href: "/" }, "Back to the topics")));
    document.title = "Descent";
  }
  view.removeAttribute("aria-busy");
  const first = firstRoute;
  firstRoute = false;
  if (hash) {
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target) {
      target.scrollIntoView({ block: "start" });
      target.classList.add("flash");
      return;
    }
  }
  window.scrollTo(0, 0);
  if (first) return;  // a fresh page load starts at the top, skip link first
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    main.focus({ preventScroll: true });
  }
}

function markNav(active) {
  for (const link of document.querySelectorAll(".site-nav a")) {
    if (link.dataset.nav === active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a[href]");
  if (!link || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/docs") || url.pathname.startsWith("/static/")) return;
  event.preventDefault();
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
    history.pushState(null, "", url.href);
    const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
    target?.scrollIntoView({ block: "start" });
    target?.classList.remove("flash");
    void target?.offsetWidth;
    target?.classList.add("flash");
    return;
  }
  navigate(url.pathname + url.search + url.hash);
}

function renderAccount() {
  const box = clear(document.getElementById("account"));
  if (auth.signedIn) {
    box.append(
      h("span", { class: "who", title: `Signed in as ${auth.user}` }, auth.user),
      h("button", { type: "button", class: "btn btn-small", onclick: signOut }, "Sign out"),
    );
  } else {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    box.append(h("a", { class: "btn btn-small btn-primary", href: `/login?next=${next}` }, "Sign in"));
  }
}

async function signOut() {
  // Forget the token first, so that nothing sent from now on carries it, then revoke it.
  const token = auth.token;
  auth.clear();
  try {
    await api("/auth/logout", { method: "POST", token });
  } catch (err) {
    console.warn(err);
  }
  navigate("/");
}

async function refreshDue() {
  const badge = document.getElementById("due-badge");
  if (!auth.signedIn) {
    badge.hidden = true;
    return;
  }
  try {
    const page = await api("/me/reviews/due?limit=1");
    badge.textContent = String(page.count);
    badge.hidden = page.count === 0;
    badge.setAttribute("aria-label", `${page.count} due`);
  } catch {
    badge.hidden = true;
  }
}

const THEMES = ["auto", "light", "dark"];
const THEME_NAMES = { auto: "automatic", light: "light", dark: "dark" };

function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  const button = document.getElementById("theme-toggle");
  button.setAttribute("aria-label", `Colour scheme: ${THEME_NAMES[theme]}`);
  button.title = `Colour scheme: ${THEME_NAMES[theme]} (click to change)`;
  window.dispatchEvent(new Event("descent:theme"));
}

function setUpHeader() {
  let theme = localStorage.getItem("descent.theme") || "auto";
  applyTheme(theme);
  document.getElementById("theme-toggle").addEventListener("click", () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    localStorage.setItem("descent.theme", theme);
    applyTheme(theme);
  });
  const toggle = document.querySelector(".menu-toggle");
  toggle.addEventListener("click", () => {
    const nav = document.getElementById("site-nav");
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  renderAccount();
  refreshDue();
  window.addEventListener("descent:auth", () => { renderAccount(); refreshDue(); });
  window.addEventListener("descent:due", refreshDue);
  features().then((f) => {
    if (f.demos) document.querySelector('[data-nav="demos"]').hidden = false;
    if (f.ask) mountHeaderAsk(document.getElementById("ask-header"), document.getElementById("ask-panel"));
  });
}

setUpHeader();
document.addEventListener("click", interceptLinks);
window.addEventListener("popstate", route);
route();
