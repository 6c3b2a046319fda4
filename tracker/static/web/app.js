/* Loaded on every page (templates/base.html): registers the service worker at /sw.js, whose
 * scope is the whole site. It only keeps the static shell and an offline page (see sw.js);
 * the pages work the same without it. */
"use strict";

if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // No service worker (private mode, an old browser): the site works as a plain website.
    });
  });
}
