from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def check_production_secret_key(app_configs: object, **kwargs: object) -> list[Error]:
    # Runs on every start (not only with --deploy): a production process signing sessions and
    # tokens with the key published in this repository must not start at all.
    if settings.IS_PRODUCTION and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "The development SECRET_KEY is in use in production.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="tracker.E001",
            )
        ]
    return []
