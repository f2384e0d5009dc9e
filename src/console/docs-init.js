// Swagger UI (swagger-ui-dist, served locally) over this deployment's OpenAPI document; "Try it out"
// sends requests to the same origin.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
});
