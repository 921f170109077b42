// Comptoir's own few behaviours on top of server-rendered pages; everything works without it.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');

  // htmx requests carry the session's CSRF token like forms do.
  document.addEventListener("htmx:configRequest", function (event) {
    if (csrf) event.detail.headers["X-CSRF-Token"] = csrf.content;
  });

  // An htmx request that fails says so: htmx swaps nothing on an error answer, which would
  // otherwise leave the page as if the action had worked.
  var requestError = document.getElementById("request-error");
  function tell(message) {
    if (!requestError || !message) return;
    requestError.textContent = message;
    requestError.hidden = false;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var answer = event.detail.xhr;
    var detail = "";
    try { detail = JSON.parse(answer.responseText).detail || ""; } catch (ignored) { detail = ""; }
    tell((requestError && requestError.getAttribute("data-failed")) + (detail ? " " + detail : ""));
  });
  document.addEventListener("htmx:sendError", function () {
    tell(requestError && requestError.getAttribute("data-offline"));
  });
  document.addEventListener("htmx:beforeRequest", function () {
    if (requestError) requestError.hidden = true;
  });

  var search = document.getElementById("global-search");
  var results = document.getElementById("search-results");

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // "/" or Ctrl-K (Cmd-K) jumps to the global search from anywhere.
  document.addEventListener("keydown", function (event) {
    if (!search) return;
    var ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k";
    if (ctrlK || (event.key === "/" && !typing(event.target))) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  function options() {
    return results ? Array.prototype.slice.call(results.querySelectorAll("a")) : [];
  }

  if (search && results) {
    // Enter opens the highlighted result, the first by default; arrows move the highlight.
    search.addEventListener("keydown", function (event) {
      var links = options();
      var current = links.findIndex(function (a) { return a.getAttribute("aria-selected") === "true"; });
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!links.length) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? current + 1 : current - 1;
        next = (next + links.length) % links.length;
        links.forEach(function (a, i) { a.setAttribute("aria-selected", i === next ? "true" : "false"); });
        search.setAttribute("aria-activedescendant", links[next].id);
      } else if (event.key === "Enter" && links.length) {
        event.preventDefault();
        window.location.href = links[Math.max(current, 0)].href;
      } else if (event.key === "Escape") {
        // Closes the list and keeps what was typed (a search field would clear itself, and
        // search again for nothing).
        event.preventDefault();
        results.innerHTML = "";
      }
    });
    document.addEventListener("click", function (event) {
      if (!results.contains(event.target) && event.target !== search) results.innerHTML = "";
    });
  }

  // The list's "select all" box ticks every row.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      var form = event.target.closest("form");
      form.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = event.target.checked; });
    }
  });

  // Forms that destroy something ask first.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // The composer shows only the fields of the chosen kind of activity.
  function showKindFields(form) {
    var kind = form.querySelector('[name="kind"]').value;
    var fieldsFor = {
      direction: ["call", "email"], outcome: ["call"], duration_minutes: ["call"],
      due_date: ["task"], assignee_id: ["task"]
    };
    Object.keys(fieldsFor).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (input) input.closest(".field").hidden = fieldsFor[name].indexOf(kind) < 0;
    });
  }
  document.querySelectorAll("[data-composer]").forEach(function (form) {
    showKindFields(form);
    form.querySelector('[name="kind"]').addEventListener("change", function () { showKindFields(form); });
  });

  // Fields edited in place: a click on the value opens its editor (as its "Edit" link does,
  // which Enter follows); Escape cancels; once saved or cancelled, the focus returns to the
  // field, so the keyboard carries on where it was.
  document.addEventListener("click", function (event) {
    var value = event.target.closest && event.target.closest(".inline-value");
    if (!value || event.target.closest("a")) return;
    var edit = value.parentElement && value.parentElement.querySelector("a.edit");
    if (edit) edit.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("form.inline-edit");
    var cancel = form && form.querySelector("a[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var place = event.detail.target;
    if (!place || place.tagName !== "DD") return;
    var input = place.querySelector("form.inline-edit input:not([type=hidden]), form.inline-edit select, form.inline-edit textarea");
    var focus = input || place.querySelector("a.edit");
    if (focus) focus.focus();
  });

  // Company and contact inputs suggest names as they are typed.
  var suggested = { "company-names": "/search/companies", "contact-names": "/search/contacts" };
  document.addEventListener("input", function (event) {
    var input = event.target;
    var list = input.getAttribute && input.getAttribute("list");
    var source = list && Object.keys(suggested).filter(function (prefix) { return list.indexOf(prefix) === 0; })[0];
    if (!source || input.value.length < 2) return;
    fetch(suggested[source] + "?q=" + encodeURIComponent(input.value), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (names) {
        var list = input.list;
        if (!list) return;
        list.innerHTML = "";
        names.forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          list.appendChild(option);
        });
      });
  });

  // The deals board: a card dropped on another column submits its own "move" form with that
  // column's stage, so dragging and the keyboard form are one path. Losing a deal needs a
  // reason: the form opens on it instead of being sent.
  var board = document.querySelector("[data-board]");
  if (board) {
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest("[data-deal]");
      if (!card) return;
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      var column = event.target.closest && event.target.closest("[data-stage]");
      if (!dragged || !column) return;
      event.preventDefault();
      board.querySelectorAll(".drop-target").forEach(function (c) { if (c !== column) c.classList.remove("drop-target"); });
      column.classList.add("drop-target");
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest && event.target.closest("[data-stage]");
      if (!dragged || !column) return;
      event.preventDefault();
      var form = dragged.querySelector(".deal-move form");
      var stage = column.getAttribute("data-stage");
      if (!form || dragged.closest("[data-stage]") === column) return;
      form.elements.stage_id.value = stage;
      var reason = form.elements.lost_reason;
      if (column.getAttribute("data-outcome") === "lost" && reason && !reason.value) {
        var details = dragged.querySelector(".deal-move");
        details.open = true;
        tell(board.getAttribute("data-choose-reason"));
        reason.focus();
        return;
      }
      form.requestSubmit();
    });
  }

  // A running import's, bulk change's or scan for duplicates' page follows it as the server
  // pushes its progress, then loads again once it has stopped: an import shows itself whole, a
  // bulk change goes back to its list, a scan shows the pairs it found. Without scripts the
  // page refreshes itself instead.
  var running = document.querySelector("[data-progress]");
  if (running && window.EventSource) {
    var source = new EventSource(running.getAttribute("data-progress"));
    var show = function (event) {
      var progress = JSON.parse(event.data);
      var bar = running.querySelector("progress");
      if (bar && progress.max) {
        bar.max = progress.max;
        bar.value = progress.value;
      }
      var percent = running.querySelector("[data-percent]");
      if (percent) percent.textContent = progress.percent;
      var seen = running.querySelector("[data-seen]");
      if (seen && progress.seen_text) seen.textContent = progress.seen_text;
      Object.keys(progress.counts || {}).forEach(function (name) {
        var count = document.querySelector('[data-count="' + name + '"]');
        if (count) count.textContent = progress.counts[name];
      });
    };
    source.addEventListener("progress", show);
    // A stream refused or lost for good leaves the page to refresh itself.
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) setTimeout(function () { window.location.reload(); }, 2000);
    };
    source.addEventListener("settled", function (event) {
      show(event);
      source.close();
      window.location.reload();
    });
  }
})();
