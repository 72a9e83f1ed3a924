/* Ship or Skip: progressive enhancement only. Every page reads, votes and
   subscribes without this file; with it, votes update in place, the reader's
   own calls and bookmarks (kept in localStorage on this device) are drawn on
   every page, which the server sends the same to everyone. */
(function () {
  "use strict";

  var STORE = "sos:bookmarks";
  var VOTES = "sos:votes";  // {slug: "ship" | "skip"}: this browser's own calls

  function readBookmarks() {
    try {
      var list = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list.filter(function (b) { return b && b.slug; }) : [];
    } catch (e) {
      return [];
    }
  }

  function writeBookmarks(list) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(list));
    } catch (e) { /* storage full or disabled: bookmarks simply do not persist */ }
  }

  function isBookmarked(slug) {
    return readBookmarks().some(function (b) { return b.slug === slug; });
  }

  function toggleBookmark(slug, name, url) {
    var list = readBookmarks();
    var kept = list.filter(function (b) { return b.slug !== slug; });
    if (kept.length === list.length) kept.push({ slug: slug, name: name, url: url });
    writeBookmarks(kept);
  }

  function removeBookmark(slug) {
    writeBookmarks(readBookmarks().filter(function (b) { return b.slug !== slug; }));
  }

  function readVotes() {
    try {
      var votes = JSON.parse(window.localStorage.getItem(VOTES) || "{}");
      return votes && typeof votes === "object" && !Array.isArray(votes) ? votes : {};
    } catch (e) {
      return {};
    }
  }

  function writeVotes(votes) {
    try {
      window.localStorage.setItem(VOTES, JSON.stringify(votes));
    } catch (e) { /* storage full or disabled: the call is simply not redrawn later */ }
  }

  function rememberVote(slug, call) {
    var votes = readVotes();
    votes[slug] = call;
    writeVotes(votes);
  }

  function forgetVote(slug) {
    var votes = readVotes();
    delete votes[slug];
    writeVotes(votes);
  }

  // call: "ship" or "skip" (the reader's own), or null when they withdrew it.
  function showMine(form, call) {
    form.querySelectorAll(".vote__buttons button[name=verdict]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === call ? "true" : "false");
    });
    form.querySelectorAll("[data-vote-mine]").forEach(function (node) {
      node.classList.toggle("is-mine", node.dataset.voteMine === call);
    });
    form.querySelectorAll("[data-vote-withdrawn]").forEach(function (node) {
      node.classList.toggle("is-shown", call === null);
    });
    form.querySelectorAll("[data-vote-change]").forEach(function (details) { details.open = false; });
    form.setAttribute("data-vote-drawn", "");  // CSS: only what the script drew shows now
  }

  function drawOwnVotes() {
    // A no-JS answer came back at #voted-<call>-<slug> or #withdrawn-<slug>: that is the newest.
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var form = target && target.closest("[data-vote-form]");
    if (form && target.dataset.voteMine) rememberVote(form.dataset.voteSlug, target.dataset.voteMine);
    if (form && target.hasAttribute("data-vote-withdrawn")) {
      forgetVote(form.dataset.voteSlug);
      showMine(form, null);
    }
    var votes = readVotes();
    document.querySelectorAll("[data-vote-form]").forEach(function (form) {
      var call = votes[form.dataset.voteSlug];
      if (call === "ship" || call === "skip") showMine(form, call);
    });
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function renderPanel() {
    var panel = document.querySelector("[data-bookmarks-panel]");
    if (!panel) return;
    var list = readBookmarks();
    panel.textContent = "";
    if (!list.length) {
      panel.appendChild(el("p", "No bookmarks yet", { "class": "bookmarks-panel__empty" }));
      panel.appendChild(el("p", "Bookmark tools to save them for later", { "class": "muted small" }));
      return;
    }
    var ul = el("ul", "", { "class": "link-list" });
    list.forEach(function (b) {
      var li = el("li");
      var link = el("a", "", { href: b.url || "/tools/" + b.slug + "/" });
      link.appendChild(el("bdi", b.name || b.slug));  // an editor's name: isolated, as on pages
      li.appendChild(link);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  }

  function syncButtons() {
    document.querySelectorAll("[data-bookmark]").forEach(function (button) {
      var on = isBookmarked(button.dataset.bookmark);
      button.hidden = false;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.querySelector("[data-bookmark-label]").textContent = on ? "Bookmarked" : "Bookmark";
    });
  }

  function listQuery(slugs) {
    return slugs ? "?tools=" + encodeURIComponent(slugs) : "";
  }

  function wireBookmarksPage(page) {
    page.querySelectorAll("[data-nojs]").forEach(function (node) { node.hidden = true; });
    page.querySelector("[data-bookmarks-empty]").hidden = !!page.querySelector("[data-bookmark-item]");
    page.querySelectorAll("[data-bookmark-remove]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        removeBookmark(button.dataset.bookmarkRemove);
        var item = button.closest("[data-bookmark-item]");
        if (item) item.remove();
        var left = readBookmarks().map(function (b) { return b.slug; }).join(",");
        window.history.replaceState(null, "", window.location.pathname + listQuery(left));
        page.querySelector("[data-bookmarks-empty]").hidden = !!page.querySelector("[data-bookmark-item]");
        renderPanel();
      });
    });
  }

  function bookmarksPage() {
    var page = document.querySelector("[data-bookmarks-page]");
    if (!page) return;
    var saved = readBookmarks().map(function (b) { return b.slug; }).join(",");
    var shown = new URLSearchParams(window.location.search).get("tools") || "";
    if (saved === shown) {
      wireBookmarksPage(page);
      return;
    }
    // The server renders the list with today's verdicts: ask it for ours and put
    // it in place, without reloading the page.
    var address = window.location.pathname + listQuery(saved);
    window.history.replaceState(null, "", address);
    if (!saved) {
      page.querySelectorAll("[data-bookmark-item]").forEach(function (item) { item.remove(); });
      wireBookmarksPage(page);
      return;
    }
    fetch(address, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-bookmarks-page]");
      if (!fresh) throw new Error("no bookmarks list");
      fresh = document.adoptNode(fresh);
      page.replaceWith(fresh);
      wireBookmarksPage(fresh);
    }).catch(function () {
      window.location.replace(address);  // the plain way: load the list as a page
    });
  }

  // Every figure the page shows for the tool, from the vote's JSON answer
  // (CommunityTally.as_dict): the script places the server's strings, it
  // computes none of them.
  function placeFigures(slug, community, readersVsPanel) {
    var named = function (attribute) {
      return document.querySelectorAll("[" + attribute + "='" + slug + "']");
    };
    // The server words it: a % only from enough votes, else the counts.
    named("data-community-percent").forEach(function (node) { node.textContent = community.percent_label; });
    named("data-community-summary").forEach(function (node) { node.textContent = community.summary; });
    named("data-readers-vs-panel").forEach(function (node) { node.textContent = readersVsPanel; });
    named("data-tally-bar").forEach(function (bar) {
      bar.value = community.ship_percent || 0;
      // No bar below the minimum of votes: the server sends no % then.
      bar.hidden = community.ship_percent === null;
    });
  }

  function showVote(result, submitter) {
    var slug = result.tool;
    var call = result.your_vote;
    if (call) rememberVote(slug, call); else forgetVote(slug);
    var forms = document.querySelectorAll("[data-vote-form][data-vote-slug='" + slug + "']");
    forms.forEach(function (form) { showMine(form, call); });
    placeFigures(slug, result.community, result.readers_vs_panel);
    // "Skip instead" and "Withdraw my vote" hide with the line they sit in:
    // keep the keyboard where the reader is, on what the page now says.
    var slot = submitter.closest("[data-vote-mine-slot]");
    if (slot) {
      var shown = slot.querySelector(call ? "[data-vote-mine='" + call + "']" : "[data-vote-withdrawn]");
      if (shown) shown.focus();
    }
  }

  function enhanceVotes() {
    document.querySelectorAll("[data-vote-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        if (!submitter || !window.fetch) return;  // fall back to the plain form post
        event.preventDefault();
        var withdraw = submitter.hasAttribute("data-vote-withdraw");
        var data = new FormData(form);
        if (!withdraw) data.set("verdict", submitter.value);
        var error = form.querySelector("[data-vote-error]");
        fetch(withdraw ? submitter.formAction : form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        }).then(function (reply) {
          if (!reply.ok) throw new Error(reply.body.error || "Your vote was not counted.");
          error.hidden = true;
          showVote(reply.body, submitter);
        }).catch(function (e) {
          error.textContent = e.message || "Your vote was not counted. Please try again.";
          error.hidden = false;
        });
      });
    });
  }

  document.querySelectorAll("[data-nojs]").forEach(function (node) { node.hidden = true; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-bookmark]");
    if (!button) return;
    toggleBookmark(button.dataset.bookmark, button.dataset.name, button.dataset.url);
    syncButtons();
    renderPanel();
  });
  syncButtons();
  renderPanel();
  bookmarksPage();
  drawOwnVotes();
  enhanceVotes();
})();
