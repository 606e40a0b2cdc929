// Starts Swagger UI on /docs (kept out of the page so the Content-Security-Policy forbids inline scripts).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
