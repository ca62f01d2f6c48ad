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
# Migrations run on start unless MIGRATE_ON_START=false (then run the release command
# `python manage.py migrate --noinput` once per deploy). The access log has no client address
# and no query string: searches hold postcodes.
CMD ["sh", "-c", "if [ \"${MIGRATE_ON_START:-true}\" != false ]; then python manage.py migrate --noinput; fi && exec gunicorn recovery_directory.wsgi --config python:recovery_directory.gunicorn --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --access-logformat '%(t)s \"%(m)s %(U)s\" %(s)s %(M)sms'"]
