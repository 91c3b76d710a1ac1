// Neurolysis Checklist: the note form.
// - shows an element only when its condition is met (data-when-element / data-when-in);
// - autosaves the draft (debounced, one request at a time) and inserts the completeness
//   panel the server renders (partials/panel.html), and the checklist when the codes
//   changed, so both are drawn in one place;
// - the code picker: search the codes by number, words or body region, add a line per
//   code, offer only the techniques the line's code covers;
// - keeps a copy of unsaved input in this browser, so an expired session or a closed tab
//   loses nothing; the copy is offered back when the note is opened again;
// - signs from the note page: the password box is its own form (never autosaved or kept
//   in the browser); the draft is saved first, then the password goes to the sign page.
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
      var selected = patientSelect.selectedOptions[0];
      if (needle && firstMatch && (!selected || !selected.value || selected.hidden)) {
        patientSelect.value = firstMatch.value;
        loadSources();
      }
    });
  }
  var sourcesBox = document.getElementById("copy-sources");
  function loadSources() {
    if (!sourcesBox || !patientSelect) return;
    var query = "?patient=" + encodeURIComponent(patientSelect.value);
    fetch(sourcesBox.dataset.url + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { sourcesBox.innerHTML = html; })
      .catch(function () { /* the buttons are a shortcut: the form still works */ });
  }
  if (patientSelect) patientSelect.addEventListener("change", loadSources);

  // --- The code picker and the code lines. ---------------------------------------------
  // The codes come in a data attribute: no inline script, even JSON (strict CSP).
  var picker = document.getElementById("code-picker");
  var codes = picker ? JSON.parse(picker.dataset.codes) : [];
  var byCode = {};
  codes.forEach(function (entry) { byCode[entry.code] = entry; });
  var linesBox = document.getElementById("code-lines");
  var search = document.getElementById("code-search");
  var results = document.getElementById("code-results");

  function narrowTechniques(row) {
    var code = row.querySelector('select[name$="-code"]');
    var technique = row.querySelector('select[name$="-technique"]');
    if (!code || !technique) return;
    var covered = (byCode[code.value] || {}).techniques || [];
    Array.prototype.forEach.call(technique.options, function (option) {
      option.hidden = option.value !== "" && covered.indexOf(option.value) === -1;
      option.disabled = option.hidden;
    });
    if (technique.value && covered.indexOf(technique.value) === -1) technique.value = "";
    // The code itself names the technique when it covers only one (64681: chemical).
    if (!technique.value && covered.length === 1) technique.value = covered[0];
  }

  // The side chosen on a line brings its modifier (bilateral: 50, left: LT, right: RT)
  // when the code takes it; the modifiers stay editable.
  var SIDE_MODIFIERS = { bilateral: "50", left: "LT", right: "RT" };
  function sideModifier(row) {
    var code = row.querySelector('select[name$="-code"]');
    var side = row.querySelector('select[name$="-side"]');
    var field = row.querySelector('input[name$="-modifiers"]');
    var allowed = (byCode[code.value] || {}).modifiers || [];
    var wanted = SIDE_MODIFIERS[side.value];
    var current = field.value.split(/[\s,;\/-]+/).filter(Boolean).filter(function (m) {
      var upper = m.toUpperCase();
      return ["50", "LT", "RT"].indexOf(upper) === -1;
    });
    if (wanted && allowed.indexOf(wanted) !== -1) current.unshift(wanted);
    field.value = current.join(", ");
  }

  function addLine() {
    var total = document.getElementById("id_lines-TOTAL_FORMS");
    var template = document.getElementById("code-line-template");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    linesBox.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return linesBox.lastElementChild;
  }

  function emptyLine() {
    var rows = linesBox.querySelectorAll(".code-line");
    for (var i = 0; i < rows.length; i++) {
      if (!rows[i].querySelector('select[name$="-code"]').value) return rows[i];
    }
    return addLine();
  }

  function pick(code) {
    var row = emptyLine();
    var select = row.querySelector('select[name$="-code"]');
    select.value = code;
    narrowTechniques(row);
    // One session, one technique as a rule: a further code (64636 after 64635) takes the
    // technique already chosen on another line when it covers it; it can be changed.
    var technique = row.querySelector('select[name$="-technique"]');
    if (!technique.value) {
      linesBox.querySelectorAll('select[name$="-technique"]').forEach(function (other) {
        var option = technique.querySelector('option[value="' + other.value + '"]');
        if (!technique.value && other !== technique && other.value && option && !option.disabled) {
          technique.value = other.value;
        }
      });
    }
    search.value = "";
    results.replaceChildren();
    select.dispatchEvent(new Event("change", { bubbles: true }));
    (technique.value ? search : technique).focus();
  }

  function showResults() {
    results.replaceChildren();
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    var found = codes.filter(function (entry) {
      return words.every(function (w) { return entry.search.indexOf(w) !== -1; });
    }).slice(0, 8);
    if (!found.length) {
      var none = document.createElement("p");
      none.className = "small text-body-secondary mb-0";
      none.textContent = "No code matches “" + search.value + "”.";
      results.appendChild(none);
    }
    found.forEach(function (entry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action py-1 small";
      button.dataset.code = entry.code;
      var strong = document.createElement("strong");
      strong.textContent = entry.code;
      button.appendChild(strong);
      button.appendChild(document.createTextNode(" " + entry.title + (entry.region ? " · " + entry.region : "")));
      results.appendChild(button);
    });
  }

  if (search && linesBox) {
    search.addEventListener("input", showResults);
    search.addEventListener("keydown", function (event) {
      // Enter picks the first result instead of submitting the form.
      if (event.key !== "Enter") return;
      event.preventDefault();
      var first = results.querySelector("[data-code]");
      if (first) pick(first.dataset.code);
    });
    results.addEventListener("click", function (event) {
      var button = event.target.closest("[data-code]");
      if (button) pick(button.dataset.code);
    });
    document.getElementById("add-code-line").addEventListener("click", function () {
      addLine().querySelector("select").focus();
    });
    linesBox.addEventListener("change", function (event) {
      if (event.target.name && /-code$/.test(event.target.name)) {
        narrowTechniques(event.target.closest(".code-line"));
      }
      if (event.target.name && /-side$/.test(event.target.name)) {
        sideModifier(event.target.closest(".code-line"));
      }
    });
    linesBox.querySelectorAll(".code-line").forEach(narrowTechniques);
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
  var changed = false; // input not yet sent to the server
  var lastSaveOk = true;
  var afterSave = [];
  var DELAY = 800;

  // The checklist's technique answers the code lines that name none, or name the one it
  // had before, when their code covers it (the server does the same when it saves).
  function currentTechnique() {
    var field = form.querySelector('[name="technique"]');
    if (field && field.type === "radio") field = form.querySelector('[name="technique"]:checked');
    return (field && field.value) || "";
  }
  var lastTechnique = currentTechnique();
  function fillLineTechniques(technique) {
    form.querySelectorAll('select[name$="-technique"]').forEach(function (select) {
      if (select.value && select.value !== lastTechnique) return;
      var option = select.querySelector('option[value="' + technique + '"]');
      if (option && !option.disabled) select.value = technique;
    });
    lastTechnique = technique;
  }

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
        // Numbers are stored as decimal strings ("4", not "4.0"): compare them so.
        values.push(field.type === "number" && !isNaN(Number(field.value)) ?
          String(Number(field.value)) : field.value);
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

  // --- The completeness panel, rendered by the server. ------------------------------------
  var dock = document.getElementById("panel-dock");
  var toggle = document.getElementById("panel-toggle");

  function drawSummary() {
    var text = document.getElementById("panel-summary-text");
    if (toggle && text) document.getElementById("panel-summary").textContent = text.textContent;
  }

  function drawPanel(data, sent) {
    document.getElementById("panel-slot").innerHTML = data.panel_html;
    drawSummary();
    if (data.sections_html !== undefined) {
      // The codes or the technique changed: their checklist replaces the old one. The server
      // drew it from what this save sent; anything typed while the save was under way is
      // carried into the new checklist (and saved next), never lost.
      var sections = document.getElementById("note-sections");
      var typed = typedSince(sent, sections);
      sections.innerHTML = data.sections_html;
      setValues(typed, sections);
      lastTechnique = currentTechnique();
      if (window.checkboxGroups) window.checkboxGroups.setUp(sections);
      if (window.copiedValues) window.copiedValues.setUp(sections);
      applyConditions();
    }
  }

  // The values of the note's fields under `root` that differ from `sent` (name -> values).
  function typedSince(sent, root) {
    var now = byNameOf(formEntries());
    var typed = {};
    root.querySelectorAll("[name]").forEach(function (field) {
      var name = field.name;
      if (field.form !== form || name in typed) return;
      var values = now[name] || [];
      if (JSON.stringify(values) !== JSON.stringify(sent[name] || [])) typed[name] = values;
    });
    return typed;
  }

  function setValues(byName, root) {
    Object.keys(byName).forEach(function (name) {
      root.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = byName[name].indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (o) { o.selected = byName[name].indexOf(o.value) !== -1; });
        } else {
          field.value = byName[name][0] === undefined ? "" : byName[name][0];
        }
      });
    });
  }

  function markPanelStale(message) {
    var panel = document.getElementById("completeness-panel");
    if (panel) panel.classList.add("is-stale");
    var slot = document.getElementById("panel-slot");
    if (slot && !document.getElementById("panel-stale")) {
      var note = document.createElement("p");
      note.id = "panel-stale";
      note.className = "alert alert-warning small py-1 px-2 mb-2";
      note.textContent = message;
      slot.prepend(note);
    }
  }

  if (dock && toggle) {
    // Below the large breakpoint the panel docks at the bottom of the screen: a summary
    // line that opens the whole panel, so it is reachable from anywhere in the form.
    dock.classList.add("is-docked");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = dock.classList.toggle("is-expanded");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    drawSummary();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
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
  // The note's fields as [name, value] pairs: of `data` (a FormData of the form) or the form.
  function formEntries(data) {
    var entries = [];
    (data || new FormData(form)).forEach(function (value, key) {
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

  function byNameOf(entries) {
    var byName = {};
    entries.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    return byName;
  }

  function restore(entries) {
    setValues(byNameOf(entries), form);
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
    changed = true;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  function save(extra) {
    if (stopped) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    changed = false;
    statusBox.textContent = "Saving…";
    var body = new FormData(form);
    var sent = byNameOf(formEntries(body));
    Object.keys(extra || {}).forEach(function (name) { body.append(name, extra[name]); });
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
        drawPanel(data, sent);
        signable(data.can_sign);
        drawErrors(data.errors);
        if (extra && extra.confirm && window.copiedValues) {
          window.copiedValues.confirmed(document.getElementById("note-sections"));
        }
        var errorCount = Object.keys(data.errors).length;
        statusBox.textContent = errorCount ?
          "Saved " + data.saved_at + " except " + errorCount + " field" + (errorCount > 1 ? "s" : "") + " marked in red" :
          "Saved " + data.saved_at;
        if (!errorCount) dropBackup();
        lastSaveOk = !errorCount;
        document.dispatchEvent(new CustomEvent("neurolysis:saved"));
        alertBox.classList.add("d-none");
      } else {
        stopped = result.status === 409 || result.status === 403;
        lastSaveOk = false;
        statusBox.textContent = "Not saved";
        markPanelStale("Not saved: this panel shows the last saved state.");
        showAlert(data.message || "The draft could not be saved. Your input is kept in this browser.");
      }
    }).catch(function () {
      lastSaveOk = false;
      statusBox.textContent = "Not saved (offline?)";
      markPanelStale("Not saved: this panel shows the last saved state.");
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
      if (again) { again = false; save(); return; }
      afterSave.splice(0).forEach(function (done) { done(lastSaveOk); });
    });
  }

  // Run `done(saved)` once everything typed so far is on the server.
  function flushThen(done) {
    clearTimeout(timer);
    if (!changed && !inFlight) { done(lastSaveOk); return; }
    afterSave.push(done);
    if (inFlight) again = again || changed;
    else save();
  }

  // Fields without a name (the code search) are not part of the note.
  // The password box sits in the panel but belongs to the sign form: never the note's.
  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.form !== form) return;
    applyConditions();
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (!event.target.name || event.target.form !== form) return;
    if (event.target.name === "technique") fillLineTechniques(event.target.value);
    applyConditions();
    schedule();
  });
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

  // --- Signing from the note page. ------------------------------------------------------------
  // Without the script the box stays hidden: "Save and sign…" saves, then asks the password.
  var signBox = document.getElementById("sign-now");
  var signForm = document.getElementById("sign-now-form");
  var signStatus = document.getElementById("sign-now-status");
  // Said beside the box, not enforced here: the sign page decides, and lists what is missing.
  function signable(can) {
    if (!signStatus || signStatus.dataset.busy) return;
    signStatus.textContent = can ? "" : "Not signable yet: the panel lists what is missing.";
  }
  if (signBox && signForm) {
    signBox.hidden = false;
    signable(signBox.dataset.canSign === "true");
    var signing = false;
    signForm.addEventListener("submit", function (event) {
      if (signing) return; // the second pass: the draft is saved, post the password
      event.preventDefault();
      signStatus.dataset.busy = "1";
      signStatus.textContent = "Saving the draft before signing…";
      // Fields shown as not saved: save once more, so the server says what stands.
      if (form.querySelector(".is-invalid")) changed = true;
      flushThen(function (saved) {
        if (!saved || stopped) {
          signStatus.textContent = "Not signed: the draft is not saved. Correct the fields marked in red, or reload.";
          delete signStatus.dataset.busy;
          return;
        }
        signStatus.textContent = "Signing…";
        document.getElementById("sign-now-version").value = versionInput.value;
        stopped = true; // nothing may change between the save and the signature
        signing = true;
        // Not from inside this submit event (a nested submit is ignored): right after it.
        setTimeout(function () { signForm.requestSubmit(); }, 0);
      });
    });
  }

  // "Confirm all copied values" in place: the autosave carries the confirmation and the
  // copied values stay shown as read (without the script the button posts the form).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("#confirm-all");
    if (!button || stopped) return;
    event.preventDefault();
    clearTimeout(timer);
    button.disabled = true;
    if (inFlight) {
      // After the save on its way, with the version it brings back.
      afterSave.push(function () { save({ confirm: "all" }); });
    } else {
      save({ confirm: "all" });
    }
  });

  // Jump from the missing list to the field.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-focus]");
    if (!link) return;
    var wrapper = document.getElementById("el-" + link.dataset.focus);
    if (!wrapper) return;
    event.preventDefault();
    if (dock && dock.classList.contains("is-expanded")) {
      // The docked panel covers the lower screen: fold it so the field shows.
      dock.classList.remove("is-expanded");
      toggle.setAttribute("aria-expanded", "false");
    }
    wrapper.scrollIntoView({ block: "center" });
    var input = wrapper.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus({ preventScroll: true });
  });

  applyConditions();
  offerBackup();
})();
