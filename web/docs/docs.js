// Renders /api/openapi.json with the vendored Swagger UI. When the vendored
// files were not installed (scripts/fetch-web-vendor.sh not run), a plain
// list of the operations is shown instead of an empty page.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (window.SwaggerUIBundle) {
    window.ui = window.SwaggerUIBundle({
      url: "/api/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: false,
      tryItOutEnabled: false,
      validatorUrl: null
    });
    return;
  }
  fetch("/api/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
    var box = document.createElement("div");
    box.className = "fallback";
    var h = document.createElement("h1");
    h.textContent = doc.info.title + " " + doc.info.version;
    box.appendChild(h);
    var note = document.createElement("p");
    note.textContent = "Swagger UI is not installed here; this is the plain list of operations.";
    box.appendChild(note);
    Object.keys(doc.paths).forEach(function (path) {
      var ops = doc.paths[path];
      Object.keys(ops).forEach(function (method) {
        if (["get", "post", "put", "delete", "patch"].indexOf(method) < 0) return;
        var div = document.createElement("div");
        div.className = "op";
        var m = document.createElement("span");
        m.className = "m";
        m.textContent = method.toUpperCase();
        var c = document.createElement("code");
        c.textContent = path;
        div.appendChild(m);
        div.appendChild(c);
        div.appendChild(document.createTextNode(" " + (ops[method].summary || "")));
        box.appendChild(div);
      });
    });
    root.appendChild(box);
  });
})();
