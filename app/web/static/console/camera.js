// Enhances the photo form: a live preview of the chosen file cropped to the card's 3:4 shape,
// and, where the browser has a camera, a frame from it put into the same file field. Without
// this script the form still uploads a file.
(function () {
  "use strict";
  var input = document.getElementById("photo");
  var preview = document.getElementById("photo-preview");
  var empty = document.getElementById("photo-empty");
  if (!input || !preview) return;

  function show(file) {
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    if (empty) empty.hidden = true;
  }
  input.addEventListener("change", function () {
    if (input.files && input.files[0]) show(input.files[0]);
  });

  var box = document.getElementById("camera");
  if (!box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  box.hidden = false;
  var video = document.getElementById("camera-video");
  var canvas = document.getElementById("camera-canvas");
  var start = document.getElementById("camera-start");
  var take = document.getElementById("camera-take");
  var status = document.getElementById("camera-status");

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then(function (stream) {
      video.srcObject = stream;
      take.disabled = false;
    }).catch(function () {
      status.textContent = status.dataset.msgDenied;
    });
  });

  take.addEventListener("click", function () {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return;
    canvas.width = w;
    canvas.height = h;
    canvas.getContext("2d").drawImage(video, 0, 0, w, h);
    canvas.toBlob(function (blob) {
      var file = new File([blob], "camera.jpg", { type: "image/jpeg" });
      var files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
      show(file);
      status.textContent = status.dataset.msgTaken;
      if (video.srcObject) video.srcObject.getTracks().forEach(function (t) { t.stop(); });
      take.disabled = true;
    }, "image/jpeg", 0.92);
  });
})();
