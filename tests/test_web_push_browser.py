"""Reminders and Web Push in a real browser, end to end.

Chromium's own push service cannot be reached from these machines, so before the page's
scripts run, ``PushManager.prototype.subscribe`` / ``getSubscription`` are replaced with a
stand-in whose subscription points at a local push endpoint (the decrypting one of
test_reminders_integration) with keys this test generated. Everything else is real: the
service worker, push.js, the devices/ API with the session's CSRF token, the reminder form,
the dispatcher and the Web Push channel (VAPID, aes128gcm), the inbox. The payload that
arrives is then handed to the service worker's ``push`` handler through the DevTools
protocol, which shows it as a notification.

axe-core runs on /reminders/, /reminders/new/ with errors and /inbox/; screenshots at 360 and
1280 px go to var/screenshots/ (reminders-*, inbox-*, reminder-new-errors-*).
"""

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.utils import timezone
from push_notifications.models import WebPushDevice

from tests.browser import BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS
from tests.browser import axe_audit as _audit
from tests.factories import PASSWORD, make_user
from tests.test_reminders_integration import Browser, PushService, b64url, vapid_env
from tracker.models import Notification, Reminder, Supplement
from tracker.services import notifications as pipeline

pytestmark = BROWSER_TEST
T = TypeVar("T")

# Runs before any script of the page: a PushManager whose subscription is ours. It survives
# page loads (localStorage), as a real subscription does.
STAND_IN = """
(() => {
  const stored = "b12-test-subscription";
  const keys = {p256dh: %(p256dh)s, auth: %(auth)s};
  const endpoint = %(endpoint)s;
  const bytes = (text) => Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) %% 4)),
    (ch) => ch.charCodeAt(0)).buffer;
  const subscription = {
    endpoint: endpoint,
    expirationTime: null,
    options: {userVisibleOnly: true},
    getKey: (name) => bytes(keys[name]),
    toJSON: () => ({endpoint: endpoint, expirationTime: null, keys: {...keys}}),
    unsubscribe: async () => { localStorage.removeItem(stored); return true; },
  };
  window.subscribeCalls = [];
  PushManager.prototype.subscribe = async function (options) {
    window.subscribeCalls.push({
      userVisibleOnly: options.userVisibleOnly,
      key: Array.from(new Uint8Array(options.applicationServerKey)),
    });
    localStorage.setItem(stored, "1");
    return subscription;
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem(stored) ? subscription : null;
  };
})();
"""


def off_loop(work: Callable[[], T]) -> T:
    """ORM work from another thread: Playwright's sync API keeps an event loop running in this
    one, where Django refuses database calls."""

    def run() -> T:
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _note_csp(message: Any, found: list[str]) -> None:
    if "Content Security Policy" in message.text:
        found.append(message.text)


def _status(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('[data-push-status]').textContent.includes(text)",
        arg=text,
        timeout=15_000,
    )


@pytest.mark.django_db(transaction=True)
def test_subscribe_in_the_browser_then_a_reminder_arrives_as_a_decrypted_web_push(
    live_server, settings
):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    keys = vapid_env()
    for name, value in keys.items():
        setattr(settings, name, value)
    person = make_user(email="rosa.m@example.org", timezone="Europe/London")
    Supplement.objects.create(
        owner=person, name="Methylcobalamin 500", form="methylcobalamin", route="sublingual",
        dose_ug=500,
    )  # fmt: skip
    subscriber = Browser()  # the subscription's P-256 key pair and auth secret, made here
    service = PushService(subscriber)
    service.thread.start()
    stand_in = STAND_IN % {
        "p256dh": json.dumps(subscriber.p256dh),
        "auth": json.dumps(b64url(subscriber.auth_secret)),
        "endpoint": json.dumps(service.endpoint),
    }
    base = live_server.url
    zone = ZoneInfo("Europe/London")
    # Two minutes ahead on the person's clock (the dispatcher is then run at that time).
    at_local = (timezone.now() + timedelta(minutes=2)).astimezone(zone).strftime("%H:%M")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reports: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    csp_violations: list[str] = []

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.grant_permissions(["notifications"], origin=base)
                context.add_init_script(stand_in)
                page = context.new_page()
                # This context keeps the site's CSP on: the scripts must work under it.
                page.on("console", lambda message: _note_csp(message, csp_violations))

                # Sign in through the form, straight back to /reminders/.
                page.goto(f"{base}/accounts/login/?next=/reminders/")
                page.fill("#id_username", person.email)
                page.fill("#id_password", PASSWORD)
                with page.expect_navigation():
                    page.click("main button[type=submit]")
                assert page.url == f"{base}/reminders/"
                _status(page, "does not show your reminders yet")
                # axe-core goes in as an inline script, which the CSP refuses: the audits run
                # in a second context that bypasses it, with the same session.
                audits = browser.new_context(
                    viewport={"width": 1280, "height": 900}, bypass_csp=True
                )
                audits.add_cookies(cast(Any, context.cookies()))
                audit = audits.new_page()
                audit.goto(f"{base}/reminders/")
                reports.append(_audit(audit))

                # 1. Get reminders in this browser.
                page.click("text=Get reminders in this browser")
                _status(page, "Done: this browser will show your reminders.")
                seen["subscribe_calls"] = page.evaluate("window.subscribeCalls")
                seen["stop_visible"] = page.is_visible("text=Stop reminders in this browser")
                seen["devices"] = off_loop(
                    lambda: list(
                        WebPushDevice.objects.values(
                            "user_id", "registration_id", "p256dh", "auth", "active", "browser"
                        )
                    )
                )

                # 2. A reminder through the form: first with a mistake, then right.
                page.click("text=Add a reminder")
                with page.expect_navigation():
                    page.click("text=Supplement dose")
                page.select_option("#id_supplement", label="Methylcobalamin 500")
                with page.expect_navigation() as refused:
                    page.click("text=Add the reminder")
                seen["error_status"] = refused.value.status
                seen["times_error"] = page.inner_text("#times-errors")
                seen["stored_after_error"] = off_loop(lambda: Reminder.objects.count())
                page.screenshot(path=str(SCREENSHOTS / "reminder-new-errors-1280.png"))
                audit.goto(f"{base}/reminders/new/?kind=supplement")
                with audit.expect_navigation():
                    audit.click("text=Add the reminder")
                reports.append(_audit(audit))
                page.fill("#id_times_0", at_local)
                page.get_by_label("Browser notifications (Web Push)").check()
                with page.expect_navigation():
                    page.click("text=Add the reminder")
                assert page.url == f"{base}/reminders/"
                seen["added"] = page.inner_text(".messages")
                page.screenshot(path=str(SCREENSHOTS / "reminders-1280.png"), full_page=True)

                # 3. The real dispatcher and Web Push delivery, at the reminder's time.
                def dispatch_and_deliver() -> Notification:
                    reminder = Reminder.objects.get(owner=person)
                    seen["reminder"] = {
                        "times": reminder.times,
                        "channels": reminder.channels,
                        "kind": reminder.kind,
                    }
                    fire_at = reminder.next_fire_at
                    assert fire_at is not None
                    queued: list[int] = []
                    pipeline.dispatch_due(now_fn=lambda: fire_at, enqueue=queued.extend)
                    seen["attempts"] = [
                        pipeline.deliver(
                            delivery_id=pk, now=fire_at, retry=lambda *args: None
                        ).status
                        for pk in queued
                    ]
                    return Notification.objects.get(reminder=reminder)

                notification = off_loop(dispatch_and_deliver)

                # 4. The payload, handed to the service worker's push handler.
                cdp = context.new_cdp_session(page)
                registrations: list[dict[str, Any]] = []
                cdp.on(
                    "ServiceWorker.workerRegistrationUpdated",
                    lambda event: registrations.extend(event["registrations"]),
                )
                cdp.send("ServiceWorker.enable")
                page.wait_for_timeout(500)
                scope = [r for r in registrations if r["scopeURL"] == f"{base}/"]
                seen["scopes"] = sorted({r["scopeURL"] for r in registrations})
                assert scope and service.payloads, (registrations, service.payloads)
                cdp.send(
                    "ServiceWorker.deliverPushMessage",
                    {
                        "origin": base,
                        "registrationId": scope[0]["registrationId"],
                        "data": json.dumps(service.payloads[0]),
                    },
                )
                page.wait_for_function(
                    "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                    ".then(list => list.length > 0)",
                    timeout=10_000,
                )
                seen["shown"] = page.evaluate(
                    "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>"
                    " list.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"
                )

                # 5. The inbox shows it, with its answers.
                page.goto(f"{base}/inbox/")
                seen["inbox"] = page.inner_text("main")
                page.screenshot(path=str(SCREENSHOTS / "inbox-1280.png"), full_page=True)
                audit.goto(f"{base}/inbox/")
                reports.append(_audit(audit))

                # 6. What the service worker keeps: the static shell only, no page, no API.
                seen["cached"] = page.evaluate(
                    """async () => {
                      const urls = [];
                      for (const name of await caches.keys()) {
                        const cache = await caches.open(name);
                        for (const request of await cache.keys()) urls.push(request.url);
                      }
                      return urls;
                    }"""
                )

                # 7. 360 px wide (a small phone; also what 200 % zoom of 720 px gives).
                phone = browser.new_context(
                    viewport={"width": 360, "height": 780}, device_scale_factor=2, bypass_csp=True
                )
                phone.add_cookies(cast(Any, context.cookies()))
                small = phone.new_page()
                for path, name in (("/reminders/", "reminders"), ("/inbox/", "inbox")):
                    small.goto(f"{base}{path}")
                    reports.append(_audit(small))
                    small.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
                small.goto(f"{base}/reminders/new/?kind=supplement")
                with small.expect_navigation():
                    small.click("text=Add the reminder")
                reports.append(_audit(small))
                small.screenshot(
                    path=str(SCREENSHOTS / "reminder-new-errors-360.png"), full_page=True
                )

                # 8. Stop: the registration is turned off and the subscription ended.
                page.goto(f"{base}/reminders/")
                _status(page, "This browser shows your reminders.")
                page.click("text=Stop reminders in this browser")
                _status(page, "Stopped: this browser no longer shows your reminders.")
                seen["after_stop"] = off_loop(
                    lambda: list(WebPushDevice.objects.values_list("active", flat=True))
                )
                seen["subscription_after_stop"] = page.evaluate(
                    "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription())"
                )
            finally:
                browser.close()
    finally:
        service.server.shutdown()
        service.server.server_close()

    from tests.test_channels import b64url_decode

    # The subscription: asked for with userVisibleOnly and the server's VAPID key, stored for
    # this person through devices/.
    assert seen["subscribe_calls"] == [
        {"userVisibleOnly": True, "key": list(b64url_decode(keys["VAPID_PUBLIC_KEY"]))}
    ]
    assert seen["stop_visible"]
    assert seen["devices"] == [
        {
            "user_id": person.pk,
            "registration_id": service.endpoint,
            "p256dh": subscriber.p256dh,
            "auth": b64url(subscriber.auth_secret),
            "active": True,
            "browser": "CHROME",
        }
    ]
    # The form: the serializer's message next to the times, nothing stored; then the reminder.
    assert seen["error_status"] == 400
    assert "Add at least one reminder time." in seen["times_error"]
    assert seen["stored_after_error"] == 0
    assert "Reminder added." in seen["added"]
    assert seen["reminder"] == {"times": [at_local], "channels": ["webpush"], "kind": "supplement"}
    # One Web Push request, decrypted at the endpoint: the discreet texts and the inbox link.
    assert sorted(seen["attempts"]) == ["sent"]
    assert service.payloads == [
        {
            "title": "Time for your reminder",
            "body": "Open B12 Tracker to see it.",
            "url": f"/notifications/{notification.pk}/",
            "notification_id": str(notification.pk),
            "tag": f"notification-{notification.pk}",
        }
    ]
    assert service.headers[0]["content-encoding"] == "aes128gcm"
    assert service.headers[0]["authorization"].startswith("vapid t=")
    # The service worker showed it with the payload's texts and a same-origin link.
    assert seen["scopes"] == [f"{base}/"]
    assert seen["shown"] == [
        {
            "title": "Time for your reminder",
            "body": "Open B12 Tracker to see it.",
            "tag": f"notification-{notification.pk}",
            "data": {"url": f"{base}/notifications/{notification.pk}/"},
        }
    ]
    assert "Time for your reminder" in seen["inbox"] and "Taken" in seen["inbox"]
    assert "Methylcobalamin" not in seen["inbox"]  # discreet everywhere it is shown
    assert seen["cached"], "the shell was cached"
    for url in seen["cached"]:
        assert url.startswith(f"{base}/static/") or url == f"{base}/offline/", url
    assert csp_violations == []
    assert [r for r in reports if r["serious"]] == []
    assert [r for r in reports if r["overflow_px"] > 0] == []
    assert seen["after_stop"] == [False]
    assert seen["subscription_after_stop"] is None


def _session_cookie(user: Any, base: str) -> dict[str, str]:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base}


def _signed_in_context(browser: Any, cookie: dict[str, str], **options: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.add_cookies([cookie])
    return context


@pytest.mark.django_db(transaction=True)
def test_the_page_says_why_when_push_is_refused_or_missing_and_offline_shows_the_offline_page(
    live_server, settings
):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    for name, value in vapid_env().items():
        setattr(settings, name, value)
    person = make_user(email="tom.k@example.org", timezone="Europe/London")
    base = live_server.url
    cookie = _session_cookie(person, base)  # before Playwright's event loop starts
    texts: dict[str, str] = {}
    visible: dict[str, bool] = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            # Notifications refused for this site.
            refused = _signed_in_context(browser, cookie)
            refused.add_init_script("Notification.requestPermission = async () => 'denied';")
            page = refused.new_page()
            page.goto(f"{base}/reminders/")
            _status(page, "does not show your reminders yet")
            page.click("text=Get reminders in this browser")
            _status(page, "did not allow notifications")
            texts["refused"] = page.inner_text("[data-push-status]")
            visible["refused_start"] = page.is_visible("text=Get reminders in this browser")

            # A browser without the Push API.
            old = _signed_in_context(browser, cookie)
            old.add_init_script("delete window.PushManager;")
            page = old.new_page()
            page.goto(f"{base}/reminders/")
            _status(page, "cannot show reminders as notifications")
            texts["unsupported"] = page.inner_text("[data-push-status]")
            visible["unsupported_start"] = page.is_visible("text=Get reminders in this browser")

            # Offline: pages are never cached, so the worker answers with the offline page.
            online = _signed_in_context(browser, cookie)
            page = online.new_page()
            page.goto(f"{base}/reminders/")
            page.wait_for_function(
                "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller"
                " || new Promise(done => navigator.serviceWorker.addEventListener("
                "'controllerchange', () => done(true))))",
                timeout=15_000,
            )
            online.set_offline(True)
            page.goto(f"{base}/inbox/")
            texts["offline"] = page.inner_text("main")
            texts["offline_title"] = page.title()
            online.set_offline(False)
        finally:
            browser.close()

    assert "To get reminders here, allow notifications for this site" in texts["refused"]
    assert visible["refused_start"]  # they may try again once they allowed it
    assert "Your reminders still arrive in your inbox" in texts["unsupported"]
    assert not visible["unsupported_start"]
    assert "You are offline" in texts["offline"] and "You are offline" in texts["offline_title"]
    assert not off_loop(lambda: WebPushDevice.objects.exists())
