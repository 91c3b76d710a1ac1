// Review pages: "show all" toggles, and the bulk export's progress bar (N of M).
(function () {
  "use strict";

  document.querySelectorAll("[data-review-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-review-toggle"));
      if (!target) return;
      var show = target.hidden;
      target.hidden = !show;
      button.setAttribute("aria-expanded", show ? "true" : "false");
      button.textContent = show ? "Show fewer" : button.getAttribute("data-label") || "Show all";
    });
    button.setAttribute("data-label", button.textContent);
  });

  var job = document.querySelector("[data-export-progress]");
  if (!job) return;
  var url = job.getAttribute("data-export-progress");
  var bar = job.querySelector("progress");
  var text = job.querySelector("[data-export-text]");
  var status = job.querySelector("[data-export-status]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.processed;
        text.textContent = data.processed + " of " + data.total + " notes" +
          (data.failed ? " (" + data.failed + " failed)" : "");
        status.textContent = data.status_display;
        if (data.finished) {
          // The page shows the download link (or what went wrong) when reloaded.
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
