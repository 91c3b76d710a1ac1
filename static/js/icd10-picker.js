// Neurolysis Checklist: the ICD-10-CM diagnosis picker.
// The diagnosis field is a textarea of codes, one per line, that works without script.
// This adds a search box above it: type a code or words, pick a billable code, and a line
// "CODE Description" is added to the textarea (order = the order picked; edit the lines to
// reorder). The server validates every line again when the note is saved.
(function () {
  "use strict";

  function setup(textarea) {
    var url = textarea.dataset.icd10Search;
    var box = document.createElement("div");
    box.className = "icd10-picker mb-2";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm";
    input.placeholder = "Search ICD-10-CM by code or words (e.g. M47.81 or lumbar spondylosis)";
    input.setAttribute("aria-label", "Search ICD-10-CM codes");
    input.setAttribute("autocomplete", "off");
    var list = document.createElement("ul");
    list.className = "list-group icd10-results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching ICD-10-CM codes");
    var status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("aria-live", "polite");
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    textarea.parentNode.insertBefore(box, textarea);

    var timer = null;
    var asked = "";

    function codesInTextarea() {
      return textarea.value.split(/\n/).map(function (line) {
        return line.trim().split(/[\s,;]+/)[0].toUpperCase();
      });
    }

    function add(code, description) {
      if (codesInTextarea().indexOf(code) !== -1) {
        status.textContent = code + " is already listed.";
        return;
      }
      var text = textarea.value.replace(/\s+$/, "");
      textarea.value = (text ? text + "\n" : "") + code + " " + description;
      // The note form autosaves on input.
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = "Added " + code + ".";
      input.value = "";
      list.innerHTML = "";
      input.focus();
    }

    function show(results, codeSet) {
      list.innerHTML = "";
      results.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action py-1 small";
        li.setAttribute("role", "option");
        li.tabIndex = 0;
        var strong = document.createElement("strong");
        strong.textContent = item.code;
        li.appendChild(strong);
        li.appendChild(document.createTextNode(" " + item.description));
        li.addEventListener("click", function () { add(item.code, item.description); });
        li.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            add(item.code, item.description);
          }
        });
        list.appendChild(li);
      });
      status.textContent = results.length
        ? results.length + " billable codes (" + codeSet + ")"
        : "No billable code matches.";
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < 2 || query === asked) return;
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) { if (query === asked) show(data.results, data.code_set); })
        .catch(function () { status.textContent = "Search failed; type the code instead."; });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("keydown", function (event) {
      // Enter in the search box must not submit the note form.
      if (event.key === "Enter") {
        event.preventDefault();
        var first = list.querySelector("li");
        if (first) first.click();
      }
      if (event.key === "ArrowDown") {
        var item = list.querySelector("li");
        if (item) { event.preventDefault(); item.focus(); }
      }
    });
  }

  document.querySelectorAll("textarea[data-icd10-search]").forEach(setup);
})();
