/* The service worker, served at /sw.js (scope "/") by tracker.web.pwa, which puts the
 * settings line above this file: the shell's URLs (static files and the offline page, with
 * their hashed names in production), a cache name that changes with them, and the discreet
 * fallback texts.
 *
 * What it keeps: only that static shell. Pages and API answers hold health data: they are
 * never stored here — they go to the network, and a page that cannot load shows the offline
 * page instead. It also shows Web Push notifications (the server's payload: title, body, url,
 * tag — already discreet unless the person turned that off) and opens their page on a tap,
 * on this site only.
 */
"use strict";

const CONFIG = self.B12_SW || { shell: [], cache: "b12-shell", offline: "/offline/", icon: "", badge: "", texts: {} };
const CACHE_PREFIX = "b12-shell";
const SHELL = new Set(CONFIG.shell.map((path) => new URL(path, self.location.origin).href));
const FALLBACK_URL = "/inbox/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CONFIG.cache)
      // "reload": fresh copies from the server, not whatever the HTTP cache had.
      .then((cache) => cache.addAll(CONFIG.shell.map((path) => new Request(path, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CONFIG.cache)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // forms and API writes go straight to the server
  }
  if (SHELL.has(request.url)) {
    event.respondWith(
      caches.open(CONFIG.cache).then((cache) =>
        cache.match(request).then((hit) => hit || fetch(request))
      )
    );
    return;
  }
  if (request.mode === "navigate") {
    // Always the network (nothing stored); the offline page only when it cannot be reached.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CONFIG.cache)
          .then((cache) => cache.match(CONFIG.offline))
          .then((page) => page || Response.error())
      )
    );
  }
  // Everything else (API calls, admin, media): not handled, the browser fetches it as usual.
});

function sameOriginUrl(raw) {
  try {
    const url = new URL(raw, self.location.origin);
    if (url.origin === self.location.origin) {
      return url.href;
    }
  } catch (error) {
    // not a URL: fall through to the inbox
  }
  return new URL(FALLBACK_URL, self.location.origin).href;
}

self.addEventListener("push", (event) => {
  let data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = {}; // not JSON: show the discreet default rather than raw text
    }
  }
  const title = typeof data.title === "string" && data.title ? data.title : CONFIG.texts.title;
  const options = {
    body: typeof data.body === "string" ? data.body : CONFIG.texts.body,
    icon: CONFIG.icon,
    badge: CONFIG.badge,
    data: { url: sameOriginUrl(data.url || FALLBACK_URL) },
  };
  if (typeof data.tag === "string" && data.tag) {
    // A snoozed reminder sent again replaces the one on screen instead of adding a second.
    options.tag = data.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && "focus" in client) {
          return client.focus();
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
