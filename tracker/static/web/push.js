/* "Get reminders in this browser" on /reminders/ (the #browser-push section).
 *
 * Subscribe: ask for notification permission, fetch the server's VAPID key
 * (GET /api/v1/devices/vapid-public-key/), pushManager.subscribe with it, then register the
 * subscription (POST /api/v1/devices/, the session's CSRF token in X-CSRFToken).
 * Stop: DELETE that registration, then unsubscribe. Every outcome is said in the status line
 * (a polite live region), in the page's own words (data-text-* attributes, translated on the
 * server). */
"use strict";

(function () {
  const section = document.getElementById("browser-push");
  if (!section) {
    return;
  }
  const status = section.querySelector("[data-push-status]");
  const start = section.querySelector("[data-push-start]");
  const stop = section.querySelector("[data-push-stop]");
  const api = section.dataset.api || "/api/v1/devices/";

  function text(name) {
    return section.dataset["text" + name] || "";
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("errors", Boolean(isError));
  }

  function show(state) {
    start.hidden = state !== "off";
    stop.hidden = state !== "on";
    start.disabled = false;
    stop.disabled = false;
  }

  function busy() {
    start.disabled = true;
    stop.disabled = true;
    say(text("Working"), false);
  }

  function supported() {
    return window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window &&
      "Notification" in window;
  }

  function browserCode() {
    const agent = navigator.userAgent;
    if (/Edg\//.test(agent)) return "EDGE";
    if (/OPR\//.test(agent)) return "OPERA";
    if (/Firefox\//.test(agent)) return "FIREFOX";
    if (/Safari\//.test(agent) && !/Chrom(e|ium)\//.test(agent)) return "SAFARI";
    return "CHROME";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    const raw = window.atob(padded);
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  }

  async function call(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (method !== "GET") {
      headers["X-CSRFToken"] = section.dataset.csrfToken;
    }
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  // The server's messages for a refused registration: {"field": ["message", …]}.
  async function problem(response) {
    try {
      const body = await response.json();
      const messages = [];
      Object.values(body).forEach((value) => {
        (Array.isArray(value) ? value : [value]).forEach((item) => {
          if (typeof item === "string") messages.push(item);
        });
      });
      if (messages.length) return text("Failed") + " " + messages.join(" ");
    } catch (error) {
      // not JSON
    }
    return text("Failed");
  }

  async function registration() {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    return navigator.serviceWorker.ready;
  }

  async function deviceFor(subscription) {
    const response = await call("GET", api);
    if (!response.ok) return null;
    const body = await response.json();
    return (body.results || []).find((device) =>
      device.type === "webpush" && device.registration_id === subscription.endpoint) || null;
  }

  async function subscribe() {
    busy();
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say(text("Denied"), true);
        show("off");
        return;
      }
      const keyResponse = await call("GET", api + "vapid-public-key/");
      const key = keyResponse.ok ? (await keyResponse.json()).public_key : null;
      if (!key) {
        say(text("Unconfigured"), true);
        show("off");
        return;
      }
      const worker = await registration();
      const subscription = await worker.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key),
      });
      const json = subscription.toJSON();
      const response = await call("POST", api, {
        type: "webpush",
        registration_id: json.endpoint,
        p256dh: json.keys && json.keys.p256dh,
        auth: json.keys && json.keys.auth,
        browser: browserCode(),
        name: section.dataset.deviceName || "",
      });
      if (response.ok) {
        say(text("Done"), false);
        show("on");
      } else {
        say(await problem(response), true);
        await subscription.unsubscribe();
        show("off");
      }
    } catch (error) {
      // A refused permission surfaces here as NotAllowedError in some browsers.
      const denied = error && error.name === "NotAllowedError";
      say(denied ? text("Denied") : text("Failed"), true);
      show("off");
    }
  }

  async function unsubscribe() {
    busy();
    try {
      const worker = await registration();
      const subscription = await worker.pushManager.getSubscription();
      if (subscription) {
        const device = await deviceFor(subscription);
        if (device) {
          const response = await call("DELETE", api + encodeURIComponent(device.id) + "/");
          if (!response.ok && response.status !== 404) {
            say(text("Failed"), true);
            show("on");
            return;
          }
        }
        await subscription.unsubscribe();
      }
      say(text("Stopped"), false);
      show("off");
    } catch (error) {
      say(text("Failed"), true);
      show("on");
    }
  }

  async function init() {
    if (!supported()) {
      say(text("Unsupported"), true);
      show("none");
      return;
    }
    if (Notification.permission === "denied") {
      say(text("Denied"), true);
      show("none");
      return;
    }
    start.addEventListener("click", subscribe);
    stop.addEventListener("click", unsubscribe);
    try {
      const worker = await registration();
      const subscription = await worker.pushManager.getSubscription();
      if (subscription && (await deviceFor(subscription))) {
        say(text("On"), false);
        show("on");
        return;
      }
    } catch (error) {
      // No worker yet, or the list failed: offer to start.
    }
    say(text("Off"), false);
    show("off");
  }

  init();
})();
