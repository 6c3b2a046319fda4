"""Email: one message per delivery, plain text and HTML, with nothing beyond the given texts.

The Message-ID comes from the delivery id, so a re-send after a crash (the worker died
after the SMTP server accepted the message, before the delivery was marked sent) carries
the same Message-ID and mail clients and servers can recognise it as the same message.
"""

import smtplib
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .base import Message, NoRecipient, PermanentError, TransientError


def site_url() -> str:
    """The web front's address. Settings have no SITE_URL: the first allowed host stands in
    (https in production, http in development)."""
    host = next(
        (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in {"*", ""} and h != "."),
        "localhost",
    )
    scheme = "https" if getattr(settings, "IS_PRODUCTION", False) else "http"
    return f"{scheme}://{host}/"


def message_id(message: Message) -> str:
    return f"<delivery-{message.delivery_id}@b12tracker>"


def build(message: Message) -> EmailMultiAlternatives:
    base = site_url()
    context = {
        "title": message.title,
        "body": message.body,
        "link": urljoin(base, message.url or "/"),
        "site_url": base,
    }
    email = EmailMultiAlternatives(
        subject=message.title,
        body=render_to_string("emails/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.email],
        headers={"Message-ID": message_id(message)},
    )
    email.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return email


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


def send(message: Message) -> str:
    if not message.email:
        raise NoRecipient("no email address")
    email = build(message)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(_is_permanent(code) for code in codes):
            raise PermanentError(f"address refused by the mail server ({codes[0]})") from None
        raise TransientError(f"address deferred by the mail server ({codes[0]})") from None
    except smtplib.SMTPResponseException as error:
        # SMTPSenderRefused, SMTPDataError, SMTPAuthenticationError, …: the reply code decides.
        if _is_permanent(error.smtp_code):
            raise PermanentError(f"refused by the mail server ({error.smtp_code})") from None
        raise TransientError(f"deferred by the mail server ({error.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as error:
        # Refused or dropped connections, timeouts, DNS failures (all OSError subclasses).
        raise TransientError(f"mail server unreachable ({type(error).__name__})") from None
    return "sent by email"
