# syntax=docker/dockerfile:1
# Stage 1: build the static assets (Scottish Government Design System + our own) with Node.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/src ./static/src
RUN npm run build

# Stage 2: the Python application, served by gunicorn with WhiteNoise for static files.
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/app/data \
    PORT=8000
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-compile -r requirements/base.txt
COPY . .
COPY --from=assets /build/static/dist ./static/dist
RUN useradd --system --uid 10001 --home /app directory \
    && mkdir -p /app/data \
    && DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --ignore src \
    && chown -R directory:directory /app/data
USER directory
EXPOSE 8000
# Alive and serving (not the database: /readyz is for the load balancer, see the README).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
# Migrations run on start unless MIGRATE_ON_START=false (then run the release command
# `python manage.py migrate --noinput` once per deploy), without the statement time limit
# (a migration may rebuild an index). gunicorn's settings (threaded workers, WEB_CONCURRENCY,
# GUNICORN_THREADS, the access log without client addresses or query strings) are in
# recovery_directory/gunicorn.py.
CMD ["sh", "-c", "if [ \"${MIGRATE_ON_START:-true}\" != false ]; then DB_STATEMENT_TIMEOUT=0 python manage.py migrate --noinput; fi && exec gunicorn recovery_directory.wsgi --config python:recovery_directory.gunicorn --bind 0.0.0.0:${PORT}"]
