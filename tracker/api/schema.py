"""drf-spectacular extensions (imported in TrackerConfig.ready so they register)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class JWTProfileScheme(SimpleJWTScheme):
    target_class = "tracker.auth.jwt.JWTProfileAuthentication"
    name = "jwtAuth"
