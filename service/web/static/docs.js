// Swagger UI over this server's own OpenAPI document.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
