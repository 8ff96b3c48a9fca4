// kamsite live reload. Served by `kamsite serve` only; never part of a built site.
(function () {
  "use strict";
  var loaded = window.__kamsiteGeneration;
  var overlay = null;

  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.style.cssText = style;
    if (text != null) e.textContent = text;
    return e;
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(state) {
    hide();
    var errors = state.errors || [];
    overlay = el("div",
      "position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.72);overflow:auto;" +
      "font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#0f172a");
    overlay.id = "kamsite-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "kamsite build failed");
    var panel = el("div",
      "max-width:980px;margin:40px auto;background:#fff;border-radius:12px;border-top:6px solid #b91c1c;" +
      "box-shadow:0 12px 48px rgba(0,0,0,.35);padding:20px 24px");
    var close = el("button",
      "float:right;border:0;background:#f1f5f9;border-radius:8px;padding:4px 10px;font:inherit;cursor:pointer", "Close");
    close.addEventListener("click", hide);
    panel.append(close);
    var n = state.error_count || errors.length;
    panel.append(el("h2", "margin:0 0 4px;font-size:20px;color:#b91c1c",
      "Build failed: " + n + (n === 1 ? " error" : " errors")));
    panel.append(el("p", "margin:0 0 16px;color:#475569",
      "This page shows the last good build. Fix the file and save: the page reloads by itself."));
    errors.forEach(function (p) {
      var item = el("section", "border-top:1px solid #e2e8f0;padding:12px 0");
      item.className = "kamsite-error";
      if (p.location) {
        item.append(el("div", "font:600 14px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#1d4ed8", p.location));
      }
      item.append(el("div", "font-weight:600;margin:2px 0 6px", p.message));
      if (p.snippet) {
        item.append(el("pre",
          "margin:0 0 6px;padding:10px 12px;background:#0f172a;color:#e2e8f0;border-radius:8px;overflow:auto;" +
          "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace", p.snippet));
      }
      if (p.help) item.append(el("div", "color:#475569", "help: " + p.help));
      panel.append(item);
    });
    if (n > errors.length) {
      panel.append(el("p", "color:#475569", (n - errors.length) + " more in the terminal."));
    }
    overlay.append(panel);
    (document.body || document.documentElement).append(overlay);
  }

  function apply(state) {
    if (state.errors) {
      show(state);
    } else if (state.generation !== loaded) {
      location.reload();
    } else {
      hide();
    }
  }

  // A browser keeps at most six HTTP/1.1 connections per host: tabs in the
  // background let go of theirs and catch up (reload) when shown again.
  var source = null;
  function connect() {
    if (source || !window.EventSource) return;
    source = new EventSource("/__kamsite/events");
    // Exposed so tests (and the curious) can see the connection state.
    window.__kamsiteLive = source;
    ["status", "reload", "build-error"].forEach(function (name) {
      source.addEventListener(name, function (e) {
        apply(JSON.parse(e.data));
      });
    });
  }
  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect(); else connect();
  });
  if (!document.hidden) connect();
})();
