// Warn two minutes before the idle sign-out, and let the user stay signed in.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds || "0", 10);
  var keepaliveUrl = body.dataset.keepaliveUrl;
  var box = document.getElementById("session-warning");
  if (!idle || !keepaliveUrl || !box) return;
  var warnAfter = Math.max(idle - 120, idle / 2) * 1000;
  var warnTimer, endTimer;

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function arm() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.classList.add("d-none");
    warnTimer = setTimeout(function () { box.classList.remove("d-none"); }, warnAfter);
    endTimer = setTimeout(function () {
      box.querySelector(".session-text").textContent =
        "You have been signed out for inactivity. Unsaved input on this page is kept in this browser; sign in again to continue.";
      box.querySelector("button").classList.add("d-none");
    }, idle * 1000);
  }

  box.querySelector("button").addEventListener("click", function () {
    fetch(keepaliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (r) { if (r.ok) arm(); });
  });
  // Saving a draft is activity too.
  document.addEventListener("neurolysis:saved", arm);
  arm();
})();
