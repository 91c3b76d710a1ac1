// Neurolysis Checklist: copied and prefilled values, read rather than tabbed through.
// In a section with copied values, each copied element shows its answer as one read-only
// line ("Label: answer") under its source; the fields stay in the form (hidden, still
// autosaved and posted). One "Edit copied values" button per section opens the fields.
// Confirmed copies the clinician has not changed (Note.carried, class is-carried) stay
// lines after a reload too.
// Without the script every field shows, as before. note-form.js calls setUp again when the
// checklist is rebuilt, and keeps the lines after "Confirm all copied values".
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The answer as the clinician sees it: chosen labels, the option's text, the value typed.
  function answerOf(wrapper) {
    var group = wrapper.querySelector('[id^="div_id_"]');
    if (!group) return "";
    var picked = group.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked");
    if (picked.length) {
      return Array.prototype.map.call(picked, function (input) {
        return text(group.querySelector('label[for="' + input.id + '"]')) || input.value;
      }).join("; ");
    }
    var select = group.querySelector("select");
    if (select) return select.value ? text(select.selectedOptions[0]) : "";
    var field = group.querySelector("textarea, input:not([type=hidden])");
    return field ? field.value.trim() : "";
  }

  function labelOf(wrapper) {
    var label = wrapper.querySelector('[id^="div_id_"] label.form-label, [id^="div_id_"] legend');
    return label ? text(label).replace(/\*$/, "").trim() : "";
  }

  function compact(wrapper) {
    var line = wrapper.querySelector(".copied-value");
    if (!line) {
      line = document.createElement("p");
      line.className = "copied-value mb-2";
      var where = wrapper.querySelector(".copied-source");
      if (where) where.after(line); else wrapper.prepend(line);
    }
    var name = document.createElement("span");
    name.className = "copied-label";
    name.textContent = labelOf(wrapper) + ": ";
    var answer = document.createElement("strong");
    answer.textContent = answerOf(wrapper) || "—";
    line.replaceChildren(name, answer);
    wrapper.classList.add("is-compact");
  }

  function open(section, button) {
    section.querySelectorAll(".element.is-compact").forEach(function (wrapper) {
      wrapper.classList.remove("is-compact");
    });
    button.setAttribute("aria-expanded", "true");
    button.hidden = true;
    var first = section.querySelector([".is-copied", ".is-carried"].map(function (kind) {
      var wrapper = ".element" + kind + ":not([hidden]) ";
      return wrapper + "input:not([type=hidden]), " + wrapper + "select, " + wrapper + "textarea";
    }).join(", "));
    if (first) first.focus();
  }

  function setUp(container) {
    (container || document).querySelectorAll("section[id^='sec-']").forEach(function (section) {
      var button = section.querySelector(".copied-edit");
      var copied = section.querySelectorAll(".element.is-copied, .element.is-carried");
      if (!button || !copied.length) return;
      copied.forEach(compact);
      button.closest(".copied-alert").hidden = false;
      button.hidden = false;
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () { open(section, button); });
    });
  }

  // After "Confirm all": the values stay as read-only lines, now confirmed.
  function confirmed(container) {
    (container || document).querySelectorAll(".copied-source").forEach(function (node) {
      node.remove();
    });
    (container || document).querySelectorAll(".copied-alert .copied-alert-text").forEach(function (node) {
      node.textContent = "Copied values confirmed. They are shown as read; “Edit copied values” opens the fields.";
    });
  }

  window.copiedValues = { setUp: setUp, confirmed: confirmed };
  setUp(document);
})();
