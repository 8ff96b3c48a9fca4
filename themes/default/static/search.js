// kamsite search. The index (search/index.json) is built by kamsite and
// fetched only when search is used; every word of the query must match.
// Opened from disk (file://), where a page cannot fetch files, the same
// index is loaded as a script (search/index.js) that sets a global.
(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = form.getAttribute("data-root") || "";
  // links: files writes a link to a page as its folder's index.html.
  var files = form.getAttribute("data-links") === "files";
  var kinds = [];
  var entries = null;
  var loading = null;
  var MAX = 50;

  // Case- and accent-insensitive: "bjornstad" finds "Bjørnstad".
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ø/g, "o").replace(/æ/g, "ae").replace(/ß/g, "ss");
  }

  function entry(kind, title, sub, url, text) {
    return { kind: kind, title: title, sub: sub, url: url, key: fold(title), hay: fold(title + " " + sub + " " + text) };
  }

  // The index: fetched from a server, or from the script beside it on disk.
  function readIndex() {
    var script = form.getAttribute("data-index-script");
    if (location.protocol === "file:" && script) {
      return new Promise(function (resolve, reject) {
        if (window.kamsiteSearchIndex) return resolve(window.kamsiteSearchIndex);
        var tag = document.createElement("script");
        tag.src = script;
        tag.onload = function () {
          if (window.kamsiteSearchIndex) resolve(window.kamsiteSearchIndex);
          else reject(new Error(script + " set no index"));
        };
        tag.onerror = function () { reject(new Error("cannot load " + script)); };
        document.head.appendChild(tag);
      });
    }
    return fetch(form.getAttribute("data-index")).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // "accounts/acme/#note-x" as the site writes links to pages.
  function page(url) {
    if (!files) return url;
    var cut = url.search(/[#?]/);
    var path = cut < 0 ? url : url.slice(0, cut);
    var tail = cut < 0 ? "" : url.slice(cut);
    return (/\/$/.test(path) ? path + "index.html" : path) + tail;
  }

  function load() {
    if (!loading) {
      status.textContent = "Loading the search index …";
      loading = readIndex()
        .then(function (index) {
          // Accounts first, then contacts, notes and reviews that point at them.
          kinds = ["Account"].concat(index.k);
          entries = index.a.map(function (a) {
            return entry(0, a[0], a[2], "accounts/" + a[1] + "/", a[3]);
          });
          // Where each kind lives on (or under) its account's page.
          var place = [
            function (id) { return "#contact-" + id; },
            function (id) { return "#note-" + id; },
            function (id) { return "reviews/" + id + "/"; }
          ];
          // Each account carries its contacts, notes and reviews:
          // [kind, title, subtitle, id, text].
          index.a.forEach(function (a) {
            a[4].forEach(function (e) {
              var sub = e[2] ? e[2] + " · " + a[0] : a[0];
              entries.push(entry(e[0] + 1, e[1], sub, "accounts/" + a[1] + "/" + place[e[0]](e[3]), e[4]));
            });
          });
          status.textContent = entries.length + " entries indexed.";
        })
        .catch(function (err) {
          status.textContent = "Could not load the search index (" + err.message + ").";
        });
    }
    return loading;
  }

  function score(e, words) {
    var s = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (e.hay.indexOf(w) < 0) return -1;
      s += e.key.indexOf(w) === 0 ? 4 : e.key.indexOf(w) > 0 ? 2 : 1;
    }
    return s;
  }

  function run() {
    if (!entries) return;
    var q = fold(input.value.trim());
    list.textContent = "";
    if (!q) {
      status.textContent = entries.length + " entries indexed.";
      return;
    }
    var words = q.split(/\s+/);
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var s = score(entries[i], words);
      if (s >= 0) hits.push({ e: entries[i], s: s });
    }
    hits.sort(function (a, b) {
      return b.s - a.s || a.e.kind - b.e.kind || a.e.title.localeCompare(b.e.title);
    });
    status.textContent = hits.length === 0 ? "No matches." :
      hits.length === 1 ? "1 match." :
      hits.length > MAX ? hits.length + " matches; showing the first " + MAX + "." : hits.length + " matches.";
    hits.slice(0, MAX).forEach(function (h) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = kinds[h.e.kind] || "";
      var a = document.createElement("a");
      a.href = root + page(h.e.url);
      a.textContent = h.e.title;
      var sub = document.createElement("div");
      sub.className = "sub";
      sub.textContent = h.e.sub;
      li.append(kind, a, sub);
      list.append(li);
    });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load().then(run); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    load().then(run);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    load().then(run);
  }
})();
