// The live tally on the documents form: asks POST /v1/eligibility (the rules approval uses) about
// the documents ticked and shows the points and what is missing, in the page's language (the
// texts come from the page's data attributes). Without this script, "Update the tally" does it.
(function () {
  "use strict";
  var form = document.getElementById("proofs-form");
  var tally = document.getElementById("tally");
  if (!form || !tally || !window.fetch) return;
  var points = document.getElementById("tally-points");
  var missing = document.getElementById("tally-missing");
  var enough = document.getElementById("tally-enough");

  function update() {
    var codes = Array.prototype.map.call(
      form.querySelectorAll("input[name=document]:checked"), function (box) { return box.value; });
    fetch("/v1/eligibility", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ documents: codes })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (result) {
      if (!result) return;
      points.textContent = tally.dataset.pointsTemplate
        .replace("%(points)s", result.identity_points)
        .replace("%(needed)s", result.identity_points_needed);
      missing.textContent = "";
      result.missing.forEach(function (m) {
        var li = document.createElement("li");
        var key = "req" + m.requirement.split("_").map(function (w) {
          return w.charAt(0).toUpperCase() + w.slice(1);
        }).join("");
        li.textContent = tally.dataset[key] || m.detail;
        missing.appendChild(li);
      });
      enough.hidden = !result.eligible;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "document") update();
  });
})();
