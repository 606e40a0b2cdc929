// The receipt's print button: shown only where scripts run (without them, the browser's own
// Print prints the same page, styled by print.css).
"use strict";
(function () {
  var button = document.getElementById("print-receipt");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
