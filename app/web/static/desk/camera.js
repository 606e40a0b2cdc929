// The desk's camera: reads a card's QR code and posts the scan form with it, exactly as a
// keyboard-wedge scanner would. The browser's own BarcodeDetector where it reads QR codes, else
// the npm package barcode-detector (ZXing in WebAssembly), both served by the app itself.
"use strict";
(function () {
  var box = document.getElementById("desk-camera");
  var form = document.getElementById("scan-form");
  var field = document.getElementById("qr");
  if (!box || !form || !field || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var start = document.getElementById("camera-start");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  var WASM = "/static/vendor/barcode-detector/";

  function say(text) { status.textContent = text; }

  function zxing() {
    var api = window.BarcodeDetectionAPI;
    if (!api) return null;
    api.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) {
          return path.endsWith(".wasm") ? WASM + path : prefix + path;
        },
      },
    });
    return new api.BarcodeDetector({ formats: ["qr_code"] });
  }

  function detector() {
    var Native = window.BarcodeDetector;
    if (!Native || !Native.getSupportedFormats) return Promise.resolve(zxing());
    return Native.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") >= 0 ? new Native({ formats: ["qr_code"] }) : zxing();
    }, zxing);
  }

  function watch(reader, stream) {
    var done = false;
    function stop() {
      done = true;
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    function tick() {
      if (done) return;
      if (video.readyState < 2) { window.setTimeout(tick, 150); return; }
      reader.detect(video).then(function (codes) {
        var found = codes.filter(function (c) { return c.rawValue; })[0];
        if (found) {
          stop();
          field.value = found.rawValue;
          say(box.dataset.found);
          form.requestSubmit();
        } else {
          window.setTimeout(tick, 150);
        }
      }, function () { window.setTimeout(tick, 300); });
    }
    tick();
  }

  box.hidden = false;
  start.addEventListener("click", function () {
    start.disabled = true;
    say(box.dataset.starting);
    Promise.all([
      detector(),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
    ]).then(function (both) {
      var reader = both[0], stream = both[1];
      if (!reader) throw new Error("no QR reader");
      video.srcObject = stream;
      video.hidden = false;
      return video.play().then(function () {
        say(box.dataset.looking);
        watch(reader, stream);
      });
    }).catch(function () {
      start.disabled = false;
      say(box.dataset.failed);
    });
  });
})();
