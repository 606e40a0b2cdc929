# Production image: the API on PostgreSQL (DATABASE_URL), migrations applied before serving.
# The base is pinned by digest (python 3.11.13, Debian bookworm, slim); move it on purpose.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm@sha256:86adf8dbadc3d6e82ee5dd2c74bec2e1c2467cdad47886280501df722372d2e1

# The web layer's front-end assets (USWDS, Swagger UI) from npm, as `make web` copies them; Node
# from Debian on the same pinned base, so every stage is pinned.
FROM ${PYTHON_IMAGE} AS assets
WORKDIR /src
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
    && mkdir -p vendor/uswds vendor/swagger-ui \
    && cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
       node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img vendor/uswds/ \
    && cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
       vendor/swagger-ui/

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies from the hashed lock first (a layer that changes only with the lock), then the
# project itself without resolving anything again.
COPY requirements.lock ./
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini babel.cfg ./
COPY app ./app
COPY cards ./cards
COPY --from=assets /src/vendor ./app/web/static/vendor
# Compiled catalogs (.mo) are built here, never committed (babel comes from the lock).
RUN /venv/bin/pybabel compile -d app/web/translations -D messages \
    && /venv/bin/pip install --no-cache-dir --no-deps .

FROM ${PYTHON_IMAGE}
# The card's fonts for names in every script (see the Makefile's tools target).
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       fonts-noto-core fonts-droid-fallback fonts-nanum \
    && rm -rf /var/lib/apt/lists/*
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000 RESIDENT_ID_DATA_DIR=/data \
    PATH=/venv/bin:$PATH
RUN useradd --create-home --uid 10001 resident \
    && mkdir -p /data && chown resident /data
COPY --from=build /venv /venv
WORKDIR /app
# Alembic reads its scripts from the source tree, so ship them beside the installed package.
COPY alembic.ini ./
COPY migrations ./migrations
COPY docker/entrypoint.sh /usr/local/bin/entrypoint.sh
USER resident
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
