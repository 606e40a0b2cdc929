# Production image: the API on PostgreSQL (DATABASE_URL), migrations applied before serving.

# The web layer's front-end assets (USWDS, Swagger UI) from npm, as `make web` copies them.
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
    && mkdir -p vendor/uswds vendor/swagger-ui \
    && cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
       node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img vendor/uswds/ \
    && cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
       vendor/swagger-ui/

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini babel.cfg ./
COPY app ./app
COPY cards ./cards
COPY migrations ./migrations
COPY --from=assets /src/vendor ./app/web/static/vendor
# Compiled catalogs (.mo) are built here, never committed.
RUN pip install --no-cache-dir "babel>=2.14" \
    && pybabel compile -d app/web/translations -D messages \
    && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8000 RESIDENT_ID_DATA_DIR=/data
RUN useradd --create-home --uid 10001 resident \
    && mkdir -p /data && chown resident /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
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
