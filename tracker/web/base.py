"""What every signed-in web page shares.

- ``person_page``: signed in, never cached (health data), the person's own time zone active (so
  Django's form fields read a ``datetime-local`` value as the person's wall-clock time), and,
  for pages that write records, the first-use disclaimer accepted.
- ``SerializerForm``: a Django form for rendering and browser-side types whose validation is the
  API serializer's, so the web and the API refuse the same input with the same messages and
  hand the services the same validated data (no second copy of the rules).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from rest_framework import serializers

from tracker.models import User

View = Callable[..., HttpResponse]


def person_page(*, writes: bool = False) -> Callable[[View], View]:
    """Decorate a page of the signed-in person's own data (see the module docstring)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            profile = cast(User, request.user).profile
            if writes and profile.disclaimer_accepted_at is None:
                return redirect(f"/disclaimer/?{urlencode({'next': request.get_full_path()})}")
            with timezone.override(profile.effective_timezone):
                return view(request, *args, **kwargs)

        return never_cache(login_required(wrapped))

    return decorate


class SerializerForm(forms.Form):
    """A form validated by an API serializer. After ``is_valid()``, ``validated_data`` is the
    serializer's, ready for the same service call the API view makes.

    Fields the serializer reports on that the form does not show become form-wide errors, so
    nothing is refused without saying why.
    """

    serializer_class: type[serializers.Serializer]

    def __init__(
        self, *args: Any, request: HttpRequest, instance: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.instance = instance
        self.validated_data: dict[str, Any] = {}

    def serializer_data(self) -> dict[str, Any]:
        """The cleaned values as the API would receive them; empty optional inputs are left out
        (an edit then keeps the stored value, a create takes the serializer's default)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # the browser-side types are wrong already: say that first
        serializer = self.serializer_class(
            self.instance,
            data=self.serializer_data(),
            partial=self.instance is not None,
            context={"request": self.request},
        )
        if serializer.is_valid():
            self.validated_data = dict(serializer.validated_data)
        else:
            self._add_serializer_errors(serializer.errors)
        return cleaned

    def _add_serializer_errors(self, errors: Any) -> None:
        for name, messages in errors.items():
            # A hidden field (the client id) shows no errors of its own: say it form-wide.
            shown = name in self.fields and not self.fields[name].widget.is_hidden
            for message in flatten_messages(messages):
                self.add_error(name if shown else None, message)


def flatten_messages(messages: Any) -> list[str]:
    """Every message of a serializer's (nested) errors, in order."""
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flatten_messages(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in flatten_messages(value)]
    return [str(messages)]
