// Enhances the signature form with a pad: strokes drawn with a pen, a finger or the mouse are put
// into the same file field as a PNG after each stroke. Without this script the form still
// uploads a scan.
(function () {
  "use strict";
  var box = document.getElementById("pad");
  var canvas = document.getElementById("pad-canvas");
  var input = document.getElementById("signature");
  if (!box || !canvas || !input || !window.DataTransfer) return;
  box.hidden = false;
  var ink = canvas.getContext("2d");
  var status = document.getElementById("pad-status");
  var drawing = false;
  var signed = false;
  ink.lineWidth = 4;
  ink.lineCap = "round";
  ink.lineJoin = "round";
  ink.strokeStyle = "#101840";

  function at(event) {
    var r = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - r.left) * (canvas.width / r.width),
      y: (event.clientY - r.top) * (canvas.height / r.height)
    };
  }
  function keep() {
    canvas.toBlob(function (blob) {
      var files = new DataTransfer();
      files.items.add(new File([blob], "signature-pad.png", { type: "image/png" }));
      input.files = files.files;
      status.textContent = status.dataset.msgSigned;
    }, "image/png");
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = at(event);
    ink.beginPath();
    ink.moveTo(p.x, p.y);
    ink.lineTo(p.x + 0.1, p.y + 0.1);
    ink.stroke();
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = at(event);
    ink.lineTo(p.x, p.y);
    ink.stroke();
    signed = true;
  });
  function end() {
    if (!drawing) return;
    drawing = false;
    if (signed) keep();
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  document.getElementById("pad-clear").addEventListener("click", function () {
    ink.clearRect(0, 0, canvas.width, canvas.height);
    signed = false;
    input.value = "";
    status.textContent = "";
  });
})();
