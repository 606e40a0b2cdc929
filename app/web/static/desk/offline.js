// The desk without a network: the service worker keeps this page, the key set and the status
// list; a scanned QR is then checked here, in the browser, as the command-line verifier does.
// Online, nothing changes: the forms post to the server, which is the authority.
import { readCard, readStatusList } from "/static/desk/credential.js";

var box = document.getElementById("offline-result");
var scan = document.getElementById("desk-scan");
var form = document.getElementById("scan-form");
var numberForm = document.getElementById("number-form");
var listPath = box && box.dataset.statusList;

if ("serviceWorker" in navigator && box) {
  navigator.serviceWorker.register("/merchant/sw.js", { scope: "/merchant/" }).then(function () {
    // Warm the worker's copies while the network is here (it answers these from the network).
    return navigator.serviceWorker.ready;
  }).then(function () {
    if (navigator.onLine) {
      fetch("/v1/keys").catch(function () {});
      if (listPath) fetch(listPath).catch(function () {});
    }
  });
}

function listPathFor(uri) {
  // Cards name their list at the city's address; the desk reads the same list from its server.
  var id = String(uri).split("/").pop();
  return "/v1/status-lists/" + encodeURIComponent(id);
}

function localTime(date) {
  return new Intl.DateTimeFormat(document.documentElement.lang, {
    dateStyle: "long", timeStyle: "short", timeZone: box.dataset.timezone || undefined,
  }).format(date);
}

function localDay(iso) {
  var parts = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(document.documentElement.lang, {
    dateStyle: "long", timeZone: "UTC",
  }).format(new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])));
}

function show(status, card, note) {
  var d = box.dataset;
  var section = box.querySelector(".rid-verdict");
  section.className = "rid-verdict rid-verdict--" + (status === "unknown" || status === "offline" ? "expired" : status);
  box.querySelector("use").setAttribute("href", "/static/vendor/uswds/img/sprite.svg#" + box.getAttribute("data-icon-" + status));
  box.querySelector("#offline-word").textContent = box.getAttribute("data-word-" + status);
  box.querySelector("#offline-explain").textContent = box.getAttribute("data-explain-" + status);
  box.querySelector("#offline-note").textContent = note || "";
  var facts = box.querySelector(".rid-verdict__facts");
  facts.hidden = !card;
  if (card) {
    box.querySelector("#offline-name").textContent = (card.givenName + " " + card.familyName).trim();
    box.querySelector("#offline-born").textContent = localDay(card.dateOfBirth);
    box.querySelector("#offline-expires").textContent = localDay(card.expiresAt.toISOString().slice(0, 10));
  }
  scan.hidden = true;
  box.hidden = false;
  box.querySelector("#offline-word").focus();
}

async function cached(path) {
  var response = await fetch(path);
  if (!response.ok) throw new Error("missing");
  return response;
}

async function checkOffline(text) {
  var d = box.dataset;
  var jwks;
  try {
    jwks = await (await cached("/v1/keys")).json();
  } catch (e) {
    show("invalid", null, d.nokeys);
    return;
  }
  var card;
  try {
    card = await readCard(text, jwks);
  } catch (e) {
    show("invalid", null, "");
    return;
  }
  var now = new Date();
  if (card.expiresAt <= now) { show("expired", card, ""); return; }
  var list = null;
  try {
    list = await readStatusList(new Uint8Array(await (await cached(listPathFor(card.statusUri))).arrayBuffer()), jwks);
  } catch (e) {
    list = null;
  }
  if (!list || list.uri !== card.statusUri || list.expiresAt <= now) {
    show("unknown", card, d.unknown);
    return;
  }
  var asOf = d.asof.replace("%(time)s", localTime(list.issuedAt));
  show(list.status(card.statusIndex) === 0 ? "valid" : "revoked", card, asOf);
}

if (form && box) {
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();
    checkOffline(document.getElementById("qr").value);
  });
}
if (numberForm && box) {
  numberForm.addEventListener("submit", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();
    show("offline", null, "");
  });
}
var again = document.getElementById("offline-again");
if (again) {
  again.addEventListener("click", function () {
    box.hidden = true;
    scan.hidden = false;
    var field = document.getElementById("qr");
    field.value = "";
    field.focus();
  });
}
