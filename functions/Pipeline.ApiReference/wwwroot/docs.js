// Renders the app's own document, found beside this page (/api/docs → /api/openapi.json), with or without a
// trailing slash. The validator badge would send the document to a public service: it stays off.
(function () {
  var here = window.location.pathname.replace(/\/+$/, "");
  var documentUrl = here.replace(/docs$/, "openapi.json");
  window.SwaggerUIBundle({
    url: documentUrl,
    dom_id: "#reference",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
})();
