#include "testimonials/embed_script.h"

namespace callexa {
namespace {

// Kept readable rather than minified: it is small, and an owner who looks
// at what runs on their site should be able to read it.
constexpr char kScript[] = R"js((function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = script.src.replace(/testimonials\.js([?#].*)?$/, "");
  var parts = base.split("/").filter(function (p) { return p !== ""; });
  var id = parts[parts.length - 1];

  var css =
    ":host{display:block;font-family:var(--callexa-font,system-ui,-apple-system,'Segoe UI',sans-serif);" +
    "color:var(--callexa-fg,#1f2933)}" +
    ".list{display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(100%,var(--callexa-columns,280px)),1fr));margin:0;padding:0}" +
    "figure{margin:0;padding:18px 20px;background:var(--callexa-bg,#fff);border:1px solid var(--callexa-border,#e4e7eb);" +
    "border-radius:var(--callexa-radius,12px);display:flex;flex-direction:column;gap:12px}" +
    ".score{color:var(--callexa-accent,#12805c);font-weight:600;font-size:.85em;letter-spacing:.02em}" +
    "blockquote{margin:0;font-size:1.02em;line-height:1.5;white-space:pre-line}" +
    "blockquote::before{content:open-quote}blockquote::after{content:close-quote}" +
    "figcaption{color:var(--callexa-muted,#616e7c);font-size:.9em}" +
    ".empty{color:var(--callexa-muted,#616e7c);font-size:.95em}";

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.appendChild(document.createTextNode(String(text)));
    return node;
  }

  function style(root) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", "", css));
    }
  }

  function render(host, data) {
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    while (root.firstChild) root.removeChild(root.firstChild);
    style(root);
    var items = (data && data.testimonials) || [];
    var labels = (data && data.labels) || {};
    if (items.length === 0) {
      root.appendChild(el("p", "empty", labels.empty || ""));
      return;
    }
    var list = el("div", "list");
    list.setAttribute("role", "list");
    items.forEach(function (t) {
      var fig = el("figure");
      fig.setAttribute("role", "listitem");
      fig.appendChild(el("span", "score", String(t.score) + "/10"));
      fig.appendChild(el("blockquote", "", t.text));
      var caption = t.name || labels.anonymous || "";
      if (t.date) caption += (caption ? " \u00b7 " : "") + t.date;
      fig.appendChild(el("figcaption", "", caption));
      list.appendChild(fig);
    });
    root.appendChild(list);
  }

  function run() {
    var hosts = [];
    document.querySelectorAll("[data-callexa-testimonials]").forEach(function (h) {
      if (h.getAttribute("data-callexa-testimonials") === id) hosts.push(h);
    });
    if (hosts.length === 0) return;
    fetch(base + "testimonials.json", { credentials: "omit", mode: "cors" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) hosts.forEach(function (h) { render(h, data); }); })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
)js";

}  // namespace

std::string_view EmbedScript() { return std::string_view(kScript, sizeof kScript - 1); }

}  // namespace callexa
