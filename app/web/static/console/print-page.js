// A "Print this page" button, shown only where this script runs (the page works without it).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
