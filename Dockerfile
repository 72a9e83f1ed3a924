# Ship or Skip: gunicorn behind your TLS proxy, started by bin/entrypoint.
# Build: docker build -t shiporskip .
# Run:   docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=... -v shiporskip-data:/data shiporskip

# Build stage: the pinned, hash-checked dependencies in a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements/prod.txt /tmp/requirements.txt
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r /tmp/requirements.txt

# Final stage: the virtual environment and the application, run by an unprivileged user.
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=shiporskip.settings.prod \
    HOST=0.0.0.0 \
    PORT=8000 \
    SQLITE_PATH=/data/db.sqlite3 \
    PAGE_CACHE_DIR=/data/page-cache \
    STATIC_ROOT=/app/staticfiles
RUN groupadd --system --gid 10001 shiporskip \
 && useradd --system --uid 10001 --gid shiporskip --home-dir /app --no-create-home \
    --shell /usr/sbin/nologin shiporskip \
 && mkdir -p /data /app/staticfiles \
 && chown shiporskip:shiporskip /data /app/staticfiles
COPY --from=build /venv /venv
WORKDIR /app
# The code stays root-owned and read-only to the app; only /data and staticfiles are its own.
COPY . /app
USER 10001:10001
# Hashed, compressed static files baked into the image; the values only satisfy
# the settings' checks for this one command and are never used at run time.
RUN SECRET_KEY=build-time-only-key-collectstatic-never-serves-with-this-value \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput --verbosity 0
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["python", "/app/bin/healthcheck"]
ENTRYPOINT ["/app/bin/entrypoint"]
