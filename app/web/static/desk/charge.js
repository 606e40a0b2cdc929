// A charge needs the server: with the network gone the form says so and sends nothing (the
// server would never see it, and the desk must not believe it charged).
"use strict";
(function () {
  var form = document.getElementById("charge-form");
  if (!form) return;
  var note = document.getElementById("charge-offline");
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();
    note.hidden = false;
    note.setAttribute("role", "alert");
  });
})();
