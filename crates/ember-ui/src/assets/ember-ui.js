// Ember UI: refreshes the page's <main> every second from the same URL, so tables and progress
// bars follow running jobs. Without JavaScript the page is complete as served.
(function () {
  "use strict";
  var main = document.querySelector("main[data-live]");
  if (!main || !window.fetch || !window.DOMParser) {
    return;
  }
  function refresh() {
    if (document.hidden) {
      window.setTimeout(refresh, 1000);
      return;
    }
    window.fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) {
          var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
          if (next) {
            main.innerHTML = next.innerHTML;
          }
        }
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(refresh, 1000);
      });
  }
  window.setTimeout(refresh, 1000);
})();
