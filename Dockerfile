# Production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    STATIC_ROOT=/app/staticfiles \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app

# The pinned, transitive lock: the image installs exactly what CI tested.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Static files (admin, Swagger UI) are collected at build time and served by WhiteNoise.
# The key below exists only for this build step; the container needs a real SECRET_KEY to start.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-build-step-only ALLOWED_HOSTS=localhost \
        VAR_DIR=/app/var python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var && chown -R app:app /app/var

USER app

EXPOSE 8000

# The access log names no path and no query string (the invitation token travels in one, the
# password reset token in the other); tracker.request's JSON line with the same request_id has
# the path, secrets written as <token>.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "30", "--access-logfile", "-", \
     "--access-logformat", "%(t)s %(m)s %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s"]
