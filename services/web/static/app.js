// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Announce what an htmx update changed, for screen readers (WCAG 4.1.3).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // After an outerHTML swap the event names the element that was replaced: find the new
    // one by its id.
    if (target && target.id && !target.isConnected) { target = document.getElementById(target.id); }
    var source = target && (target.getAttribute("data-announce") ? target : target.querySelector("[data-announce]"));
    var announcer = document.getElementById("ansage");
    if (source && announcer) {
      announcer.textContent = "";
      window.setTimeout(function () { announcer.textContent = source.getAttribute("data-announce"); }, 50);
    }
  });
  // A failed update must not pass silently.
  document.addEventListener("htmx:responseError", function () {
    var announcer = document.getElementById("ansage");
    if (announcer) { announcer.textContent = document.documentElement.lang === "en" ? "The update failed." : "Die Aktualisierung ist fehlgeschlagen."; }
  });
  // Move focus to the error summary so keyboard and screen reader users find it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
  // A form submits once: a double click does not send it twice (the idempotency key is the
  // guarantee; this only spares the second round trip).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method && form.method.toLowerCase() === "post") {
      if (form.dataset.submitted === "yes") { event.preventDefault(); return; }
      form.dataset.submitted = "yes";
    }
  }, true);
})();
