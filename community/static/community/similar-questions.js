/* "Have you seen these?" on the ask form: fetch similar questions while the title is typed.
   Progressive enhancement: without this script the form shows them after a submit. The server
   renders (and escapes) the fragment; this script only places it. */
(function () {
  "use strict";
  var region = document.getElementById("similar-questions");
  var input = document.getElementById("id_title");
  var seen = document.getElementById("suggestions-seen");
  if (!region || !input || !window.fetch) {
    return;
  }
  var results = region.querySelector("[data-similar-results]");
  var field = input.closest(".utrecht-form-field");
  if (field) {
    field.insertAdjacentElement("afterend", region);
  }
  var timer = null;
  var last = input.value.trim();
  var controller = null;

  function show(html) {
    results.innerHTML = html;
    if (html.trim() !== "") {
      seen.value = "1";
    }
  }

  function lookUp() {
    var query = input.value.trim();
    if (query === last) {
      return;
    }
    last = query;
    if (query.length < 10) {
      show("");
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    fetch(region.getAttribute("data-url") + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(show)
      .catch(function () { /* offline or aborted: the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 400);
  });
})();
