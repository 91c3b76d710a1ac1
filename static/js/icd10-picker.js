// Neurolysis Checklist: the ICD-10-CM diagnosis picker.
// The diagnosis field is a textarea of codes, one per line, that works without script.
// With the script the textarea is also the search box (one Tab stop, a combobox): typing a
// code or words on a line lists the matching billable codes below it; Enter (or a click)
// puts "CODE Description" on that line, ArrowDown moves into the list, Escape closes it.
// Lines keep the order typed (edit them to reorder). The server validates every line
// again when the note is saved.
(function () {
  "use strict";

  var count = 0;

  function setup(textarea) {
    var url = textarea.dataset.icd10Search;
    count += 1;
    var listId = "icd10-results-" + count;
    var hintId = "icd10-hint-" + count;
    var list = document.createElement("ul");
    list.className = "list-group icd10-results";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching ICD-10-CM codes");
    var status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("aria-live", "polite");
    var hint = document.createElement("div");
    hint.className = "form-text";
    hint.id = hintId;
    hint.textContent = "Type a code or words on a line (e.g. M47.81 or lumbar spondylosis): " +
      "matching billable codes are listed below; Enter or a click puts one on the line.";
    textarea.after(hint);
    hint.after(list);
    list.after(status);
    textarea.setAttribute("role", "combobox");
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", listId);
    textarea.setAttribute("aria-expanded", "false");
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + hintId);

    var timer = null;
    var asked = "";

    // The line the caret is on: [start, end) in the textarea's value.
    function currentLine() {
      var value = textarea.value;
      var caret = textarea.selectionStart === null ? value.length : textarea.selectionStart;
      var start = value.lastIndexOf("\n", caret - 1) + 1;
      var end = value.indexOf("\n", caret);
      if (end === -1) end = value.length;
      return { start: start, end: end, text: value.slice(start, end) };
    }

    function codesInTextarea(except) {
      return textarea.value.split(/\n/).filter(function (line, index) {
        return index !== except;
      }).map(function (line) {
        return line.trim().split(/[\s,;]+/)[0].toUpperCase();
      });
    }

    function close() {
      list.replaceChildren();
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }

    function add(code, description) {
      var line = currentLine();
      var lineIndex = textarea.value.slice(0, line.start).split("\n").length - 1;
      if (codesInTextarea(lineIndex).indexOf(code) !== -1) {
        status.textContent = code + " is already listed.";
        return;
      }
      var value = textarea.value;
      var chosen = code + " " + description;
      textarea.value = value.slice(0, line.start) + chosen + value.slice(line.end);
      var caret = line.start + chosen.length;
      textarea.setSelectionRange(caret, caret);
      asked = chosen;
      // The note form autosaves on input.
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = "Added " + code + ". Enter starts a new line for another code.";
      close();
      textarea.focus();
    }

    function show(results, codeSet) {
      list.replaceChildren();
      results.forEach(function (item, index) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action py-1 small";
        li.id = listId + "-" + index;
        li.setAttribute("role", "option");
        li.tabIndex = -1; // reached with ArrowDown, not with Tab
        var strong = document.createElement("strong");
        strong.textContent = item.code;
        li.appendChild(strong);
        li.appendChild(document.createTextNode(" " + item.description));
        // A pointer keeps the focus in the textarea (no blur closing the list under it).
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { add(item.code, item.description); });
        li.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            add(item.code, item.description);
          } else if (event.key === "ArrowDown" && li.nextElementSibling) {
            event.preventDefault();
            li.nextElementSibling.focus();
          } else if (event.key === "ArrowUp") {
            event.preventDefault();
            (li.previousElementSibling || textarea).focus();
          } else if (event.key === "Escape") {
            close();
            textarea.focus();
          }
        });
        list.appendChild(li);
      });
      textarea.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length
        ? results.length + " billable codes (" + codeSet + ")"
        : "No billable code matches.";
    }

    function ask() {
      var query = currentLine().text.trim();
      if (query.length < 2 || query === asked) return;
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (query === asked && document.activeElement === textarea) show(data.results, data.code_set);
        })
        .catch(function () { status.textContent = "Search failed; type the code instead."; });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    textarea.addEventListener("keydown", function (event) {
      var first = list.querySelector("li");
      if (!first) return;
      if (event.key === "Enter") {
        // With matches listed, Enter picks the first; without, it starts a new line.
        event.preventDefault();
        first.click();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
    textarea.addEventListener("blur", function (event) {
      // Leaving for anything but the list closes it.
      if (!list.contains(event.relatedTarget)) setTimeout(function () {
        if (!list.contains(document.activeElement)) close();
      }, 150);
    });
  }

  document.querySelectorAll("textarea[data-icd10-search]").forEach(setup);
})();
