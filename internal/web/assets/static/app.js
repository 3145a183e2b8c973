// Progressive enhancement only: the page works without this file.
(function () {
  "use strict";
  var units = {
    fr: { d: "j", left: "En attente encore ", over: "Attente terminée — rechargez pour approuver" },
    en: { d: "d", left: "Held for another ", over: "Hold ended — reload to approve" }
  };
  function fmt(ms, u) {
    var mins = Math.max(0, Math.round(ms / 60000));
    var d = Math.floor(mins / 1440), h = Math.floor(mins / 60) % 24, m = mins % 60;
    if (d > 0) return d + " " + u.d + (h > 0 ? " " + h + " h" : "");
    if (h > 0) return h + " h" + (m > 0 ? " " + (m < 10 ? "0" : "") + m : "");
    return m + " min";
  }
  function tick() {
    var els = document.querySelectorAll(".countdown[data-until]");
    var now = Date.now();
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var until = Date.parse(el.getAttribute("data-until"));
      if (isNaN(until)) continue;
      var u = units[el.getAttribute("data-lang")] || units.fr;
      el.textContent = until <= now ? u.over : u.left + fmt(until - now, u);
    }
  }
  function init() {
    tick();
    if (document.querySelector(".countdown[data-until]")) setInterval(tick, 30000);
    var p = document.querySelectorAll(".print-button");
    for (var i = 0; i < p.length; i++) {
      p[i].hidden = false;
      p[i].addEventListener("click", function () { window.print(); });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
