// kamsite search. The index is built by kamsite into search/ (see
// src/render/search.rs): a table of shards (index.json), shards of terms
// sorted by term (t/N.json), long terms' full lists by blocks of entry
// numbers (w/...), and the entries' display data by chunks (e/N.json). A
// query fetches the table, the shards its words fall in, and the chunks of
// the hits it shows; nothing else. Every word of the query must match, as a
// word or the start of one. Opened from disk (file://), where a page cannot
// fetch files, the site has the same files as scripts (.js) that hand their
// data to kamsiteSearch(name, data).
(function () {
  "use strict";
  var form = document.querySelector("form[data-index]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = form.getAttribute("data-root") || "";
  var base = form.getAttribute("data-index").replace(/index\.json$/, "");
  // links: files writes a link to a page as its folder's index.html, and
  // the index as scripts.
  var files = form.getAttribute("data-links") === "files";
  // Matches looked for before the first are shown, and shown at a time.
  var MAX = 50;
  var PAGE = 20;
  var moreButton = document.getElementById("search-more");
  // Shards fetched for one word's prefix, at most.
  var SPAN = 4;
  var meta = null;
  var cache = {};
  var waiting = {};
  var loading = null;
  var asked = 0;

  // Case- and accent-insensitive: "bjornstad" finds "Bjørnstad" (as
  // src/render/search.rs folds the terms).
  var FOLD = { "ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ŀ": "l", "ĳ": "ij" };
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[øæßœłđðþıħŧŋĸŀĳ]/g, function (c) { return FOLD[c]; });
  }
  function words(q) {
    return fold(q).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0 && w.length <= 40; });
  }

  window.kamsiteSearch = function (name, data) {
    if (waiting[name]) waiting[name](data);
  };
  // One file of the index, once: fetched, or loaded as a script.
  function get(name) {
    if (cache[name]) return cache[name];
    var p;
    if (files) {
      p = new Promise(function (resolve, reject) {
        waiting[name] = resolve;
        var tag = document.createElement("script");
        tag.src = base + name + ".js";
        tag.onerror = function () { reject(new Error("cannot load " + tag.src)); };
        document.head.appendChild(tag);
      });
    } else {
      p = fetch(base + name + ".json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + name);
        return r.json();
      });
    }
    cache[name] = p;
    p.catch(function () { delete cache[name]; });
    return p;
  }

  function load() {
    if (!loading) {
      loading = get("index").then(function (m) { meta = m; }).catch(function (err) {
        loading = null;
        status.textContent = "Could not load the search index (" + err.message + ").";
        throw err;
      });
    }
    return loading;
  }

  // The shards word w's terms are in: the last one starting at or before
  // w, and (a word being the start of longer ones) those after it that
  // start with w.
  function shardsOf(w) {
    var c = meta.c, lo = 0, hi = c.length - 1;
    if (hi < 0) return [];
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (c[mid] <= w) lo = mid; else hi = mid - 1;
    }
    var out = [lo];
    for (var i = lo + 1; i < c.length && out.length < SPAN && c[i].lastIndexOf(w, 0) === 0; i++) out.push(i);
    return out;
  }

  // postings text -> [[id, title flag], ...]
  function decode(d, into) {
    var id = 0;
    for (var i = 0; i < d.length; i++) {
      id += d[i] >> 1;
      var had = into.get(id);
      if (!had || (d[i] & 1)) into.set(id, d[i] & 1);
    }
  }

  // What one query word matches: entry id -> 1 when in its title, and the
  // long terms whose full lists are elsewhere.
  function lookup(w) {
    var nums = shardsOf(w);
    return Promise.all(nums.map(function (n) { return get("t/" + n); })).then(function (shards) {
      var hits = new Map(), long = [], total = 0;
      shards.forEach(function (shard, s) {
        var k = 0;
        shard.forEach(function (t) {
          var isLong = t.length > 2;
          if (t[0] === w || (w.length > 1 && t[0].lastIndexOf(w, 0) === 0)) {
            decode(t[1], hits);
            total += isLong ? t[2] : t[1].length;
            if (isLong) long.push({ shard: nums[s], k: k, blocks: t[3], seen: t[1].length });
          }
          if (isLong) k++;
        });
      });
      return { word: w, hits: hits, long: long, total: total };
    });
  }

  // Entries that match every word, best first: in a title before in the
  // text, then in entry order (an account, then its contacts, notes,
  // reviews). The candidates are the entries of the rarest word; another
  // word's long terms (whose lists the shard cuts) are read from their
  // block files, block by block of candidates, until MAX have matched.
  function match(ws) {
    return Promise.all(ws.map(lookup)).then(function (ms) {
      ms.sort(function (a, b) { return a.total - b.total; });
      var first = ms[0], rest = ms.slice(1);
      var ids = Array.from(first.hits.keys()).sort(function (a, b) { return a - b; });
      var groups = [];
      ids.forEach(function (id) {
        var b = Math.floor(id / meta.b);
        if (!groups.length || groups[groups.length - 1].b !== b) groups.push({ b: b, ids: [] });
        groups[groups.length - 1].ids.push(id);
      });
      var found = [];
      // A word in very many entries was looked up in its first ones only.
      var more = first.long.length > 0;
      function score(id) {
        var s = 0;
        for (var i = 0; i < ms.length; i++) {
          var t = ms[i].hits.get(id);
          if (t === undefined) return -1;
          s += t ? 2 : 1;
        }
        return s;
      }
      function step(g) {
        if (g >= groups.length) return Promise.resolve();
        if (found.length >= MAX) { more = true; return Promise.resolve(); }
        var grp = groups[g], gets = [];
        rest.forEach(function (m) {
          m.long.forEach(function (l) {
            if (l.blocks.indexOf(grp.b) >= 0) {
              gets.push(get("w/" + l.shard + "-" + l.k + "-" + grp.b).then(function (d) { decode(d, m.hits); }));
            }
          });
        });
        return Promise.all(gets).then(function () {
          grp.ids.forEach(function (id) {
            var s = score(id);
            if (s >= 0) found.push({ id: id, s: s });
          });
          return step(g + 1);
        });
      }
      return step(0).then(function () {
        found.sort(function (a, b) { return b.s - a.s || a.id - b.id; });
        return { found: found, more: more };
      });
    });
  }

  // The display data of entries: [kind, title, subtitle, url].
  function shown(ids) {
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / meta.e)] = true; });
    var nums = Object.keys(chunks);
    return Promise.all(nums.map(function (n) { return get("e/" + n); })).then(function (got) {
      var by = {};
      nums.forEach(function (n, i) { by[n] = got[i]; });
      return ids.map(function (id) { return by[Math.floor(id / meta.e)][id % meta.e]; });
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

  // Show found[from, from + PAGE), and say how many there are.
  function show(r, from, n) {
    var top = r.found.slice(from, from + PAGE).map(function (h) { return h.id; });
    return shown(top).then(function (entries) {
      if (n !== asked) return;
      var count = r.found.length, upto = Math.min(from + PAGE, count);
      status.textContent = count === 0 ? "No matches." :
        r.more ? "More than " + count + " matches; showing the first " + upto + " (add a word to narrow them)." :
        count === 1 ? "1 match." :
        count > upto ? count + " matches; showing the first " + upto + "." : count + " matches.";
      if (from === 0) list.textContent = "";
      entries.forEach(function (e) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = meta.k[e[0]] || "";
        var a = document.createElement("a");
        a.href = root + page(e[3]);
        a.textContent = e[1];
        var sub = document.createElement("div");
        sub.className = "sub";
        sub.textContent = e[2];
        li.append(kind, a, sub);
        list.append(li);
      });
      moreButton.hidden = upto >= count;
      moreButton.onclick = function () {
        var first = list.children.length;
        show(r, upto, n).then(function () {
          // Keyboard users go on from the first new result.
          var next = list.children[first] && list.children[first].querySelector("a");
          if (next) next.focus();
        });
      };
    });
  }

  function run() {
    if (!meta) return;
    var n = ++asked;
    var ws = words(input.value);
    moreButton.hidden = true;
    if (!ws.length) {
      list.textContent = "";
      status.textContent = meta.n + " entries indexed.";
      return;
    }
    match(ws).then(function (r) { return show(r, 0, n); }).catch(function (err) {
      if (n === asked) status.textContent = "Could not search (" + err.message + ").";
    });
  }

  function go() { load().then(run, function () {}); }
  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("input", go);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    go();
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    go();
  }
})();
