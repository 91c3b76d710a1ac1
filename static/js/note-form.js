// Neurolysis Checklist: the note form.
// - shows an element only when its condition is met (data-when-element / data-when-in);
// - autosaves the draft (debounced, one request at a time) and redraws the completeness
//   panel from the server's answer, so "complete" is computed in one place;
// - keeps a copy of unsaved input in this browser, so an expired session or a closed tab
//   loses nothing; the copy is offered back when the note is opened again.
// No inline script or style: the page works under a strict Content-Security-Policy.
(function () {
  "use strict";

  // --- New-note page: narrow the patient list as the user types. ----------------------
  var filter = document.getElementById("patient-filter");
  var patientSelect = document.getElementById("id_header-patient");
  if (filter && patientSelect) {
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      var firstMatch = null;
      Array.prototype.forEach.call(patientSelect.options, function (option) {
        if (!option.value) return;
        var match = !needle || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
        if (match && !firstMatch) firstMatch = option;
      });
      if (needle && firstMatch && patientSelect.selectedOptions[0] &&
          patientSelect.selectedOptions[0].hidden) {
        patientSelect.value = firstMatch.value;
      }
    });
  }

  var form = document.getElementById("note-form");
  if (!form) return;

  var url = form.dataset.autosaveUrl;
  var noteId = form.dataset.noteId;
  var versionInput = document.getElementById("note-version");
  var statusBox = document.getElementById("save-status");
  var alertBox = document.getElementById("autosave-alert");
  var backupKey = "neurolysis-note-" + noteId;
  var timer = null;
  var inFlight = false;
  var again = false;
  var stopped = false;
  var DELAY = 800;

  // --- Conditional elements. -------------------------------------------------------------
  function valuesOf(name) {
    // A hidden element counts as unanswered, so chained conditions retire together.
    var wrapper = document.getElementById("el-" + name);
    if (wrapper && wrapper.hidden) return [];
    var fields = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    fields.forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox")) {
        if (field.checked) values.push(field.value);
      } else if (field.value) {
        values.push(field.value);
      }
    });
    return values;
  }

  function applyConditions() {
    // Elements come in form order, parents before children; two passes settle chains
    // whose parent is declared later.
    for (var pass = 0; pass < 2; pass++) {
      form.querySelectorAll("[data-when-element]").forEach(function (wrapper) {
        var wanted = wrapper.dataset.whenIn.split("|");
        var current = valuesOf(wrapper.dataset.whenElement);
        var shown = current.some(function (v) { return wanted.indexOf(v) !== -1; });
        wrapper.hidden = !shown;
      });
    }
  }

  // --- The completeness panel. -----------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function gapList(box, gaps, title, titleClass, emptyText) {
    box.replaceChildren();
    if (!gaps.length) {
      if (emptyText) box.appendChild(el("p", { "class": "small text-success mb-2" }, emptyText));
      return;
    }
    box.appendChild(el("h3", { "class": "h6 small mb-1 " + titleClass }, title));
    var list = el("ul", { "class": "small ps-3 mb-2" });
    gaps.forEach(function (gap) {
      var item = el("li");
      item.appendChild(el("a", { href: "#el-" + gap.key, "data-focus": gap.key }, gap.label));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function drawPanel(data) {
    var bar = document.getElementById("completeness-bar");
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    bar.classList.toggle("is-complete", data.required_done === data.required_total);
    document.getElementById("completeness-percent").textContent = data.percent + "%";
    document.getElementById("completeness-counts").textContent =
      data.required_done + " of " + data.required_total + " required · " +
      data.recommended_done + " of " + data.recommended_total + " recommended";
    gapList(document.getElementById("missing-required"),
      data.missing.filter(function (g) { return g.requirement === "required"; }),
      "Missing, required to sign", "text-danger", "Every required element is documented.");
    gapList(document.getElementById("missing-recommended"),
      data.missing.filter(function (g) { return g.requirement === "recommended"; }),
      "Recommended, not yet documented", "text-warning-emphasis", "");
    var problems = document.getElementById("coding-problems");
    problems.replaceChildren();
    if (!data.problems.length) {
      problems.appendChild(el("p", { "class": "small text-success mb-0" }, "No coding problem found."));
    }
    var looks = {
      error: ["danger", "Blocks signing"],
      warning: ["warning", "Sign with a reason"],
      notice: ["info", "Note"]
    };
    data.problems.forEach(function (p) {
      var look = looks[p.severity] || looks.warning;
      var box = el("div", { "class": "alert py-2 px-2 small mb-2 coding-problem alert-" + look[0] });
      box.appendChild(el("span", { "class": "badge me-1 text-bg-" + look[0] }, look[1]));
      box.appendChild(el("strong", {}, p.message));
      box.appendChild(document.createTextNode(" " + p.fix));
      problems.appendChild(box);
    });
  }

  function drawErrors(errors) {
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".is-invalid[data-js-invalid]").forEach(function (node) {
      node.classList.remove("is-invalid");
      node.removeAttribute("data-js-invalid");
    });
    Object.keys(errors).forEach(function (name) {
      var field = form.querySelector('[name="' + name + '"]');
      if (!field) return;
      if (field.type !== "radio" && field.type !== "checkbox") {
        field.classList.add("is-invalid");
        field.setAttribute("data-js-invalid", "");
      }
      var message = el("div", { "class": "invalid-feedback d-block js-error" }, errors[name].join(" "));
      var anchor = field.closest(".mb-3, td, fieldset") || field.parentNode;
      anchor.appendChild(message);
    });
  }

  function showAlert(message) {
    alertBox.textContent = message;
    alertBox.classList.remove("d-none");
  }

  // --- Local backup of unsaved input. ------------------------------------------------------
  function formEntries() {
    var entries = [];
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrfmiddlewaretoken" && key !== "version") entries.push([key, value]);
    });
    return entries;
  }

  function keepBackup() {
    try {
      localStorage.setItem(backupKey, JSON.stringify({ at: new Date().toISOString(), entries: formEntries() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function dropBackup() {
    try { localStorage.removeItem(backupKey); } catch (e) { /* ignore */ }
  }

  function restore(entries) {
    var byName = {};
    entries.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Object.keys(byName).forEach(function (name) {
      form.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = byName[name].indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (o) { o.selected = byName[name].indexOf(o.value) !== -1; });
        } else {
          field.value = byName[name][0];
        }
      });
    });
    applyConditions();
    schedule();
  }

  function offerBackup() {
    var raw;
    try { raw = localStorage.getItem(backupKey); } catch (e) { return; }
    if (!raw) return;
    var backup = JSON.parse(raw);
    var current = JSON.stringify(formEntries());
    if (JSON.stringify(backup.entries) === current) { dropBackup(); return; }
    var box = document.getElementById("restore-alert");
    document.getElementById("restore-time").textContent = new Date(backup.at).toLocaleString();
    box.classList.remove("d-none");
    document.getElementById("restore-button").addEventListener("click", function () {
      restore(backup.entries);
      box.classList.add("d-none");
    });
    document.getElementById("discard-button").addEventListener("click", function () {
      dropBackup();
      box.classList.add("d-none");
    });
  }

  // --- Autosave. ----------------------------------------------------------------------------
  function schedule() {
    if (stopped) return;
    keepBackup();
    statusBox.textContent = "Unsaved changes…";
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  function save() {
    if (stopped) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    statusBox.textContent = "Saving…";
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      redirect: "error"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (result.status === 200) {
        versionInput.value = data.version;
        drawPanel(data);
        drawErrors(data.errors);
        var errorCount = Object.keys(data.errors).length;
        statusBox.textContent = errorCount ?
          "Saved " + data.saved_at + " except " + errorCount + " field" + (errorCount > 1 ? "s" : "") + " marked in red" :
          "Saved " + data.saved_at;
        if (!errorCount) dropBackup();
        document.dispatchEvent(new CustomEvent("neurolysis:saved"));
        alertBox.classList.add("d-none");
      } else {
        stopped = result.status === 409 || result.status === 403;
        statusBox.textContent = "Not saved";
        showAlert(data.message || "The draft could not be saved. Your input is kept in this browser.");
      }
    }).catch(function () {
      statusBox.textContent = "Not saved (offline?)";
      showAlert("The draft could not be saved: the server did not answer. Your input is kept in this browser and will be saved when you save again.");
    }).finally(function () {
      inFlight = false;
      if (submitPending) {
        var submitter = pendingSubmitter;
        submitPending = false;
        pendingSubmitter = null;
        again = false;
        form.requestSubmit(submitter || undefined);
        return;
      }
      if (again) { again = false; save(); }
    });
  }

  form.addEventListener("input", function () { applyConditions(); schedule(); });
  form.addEventListener("change", function () { applyConditions(); schedule(); });
  var submitPending = false;
  var pendingSubmitter = null;
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      // An autosave is on its way: submitting now would carry a stale version. Submit as
      // soon as it returns, with the version it brings back.
      event.preventDefault();
      submitPending = true;
      pendingSubmitter = event.submitter || null;
      return;
    }
    stopped = true;
    keepBackup();
  });

  // Jump from the missing list to the field.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-focus]");
    if (!link) return;
    var wrapper = document.getElementById("el-" + link.dataset.focus);
    if (!wrapper) return;
    event.preventDefault();
    wrapper.scrollIntoView({ block: "center" });
    var input = wrapper.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus({ preventScroll: true });
  });

  applyConditions();
  offerBackup();
})();
