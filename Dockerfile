# One image for the Wirkung services and the web service; the compose file picks one:
#   command: ["agreements", "--host", "0.0.0.0", "--port", "8000"]

# The web service's front-end assets, exactly as `make assets` makes them: the versions
# and integrity hashes of the lockfile, no install scripts, the same files copied.
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY services/web/assets/package.json services/web/assets/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
    && mkdir -p /vendor/kern /vendor/htmx \
    && cp node_modules/@kern-ux/native/dist/kern.min.css /vendor/kern/ \
    && cp -r node_modules/@kern-ux/native/dist/fonts /vendor/kern/ \
    && cp node_modules/@kern-ux/native/LICENSE.md /vendor/kern/ \
    && cp node_modules/htmx.org/dist/htmx.min.js /vendor/htmx/ \
    && cp node_modules/htmx.org/LICENSE /vendor/htmx/

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# psycopg (eventsourcing's PostgreSQL recorder) is the pure-Python build and
# loads libpq at run time; the slim image does not ship it.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /home/wirkung wirkung

WORKDIR /src
COPY pyproject.toml ./
COPY shared/ shared/
COPY services/ services/
COPY --from=assets /vendor/ services/web/static/vendor/
COPY wirkung/ wirkung/
# Production talks to a real Kafka cluster and PostgreSQL: no [embedded] extra.
RUN pip install --no-cache-dir .

USER wirkung
WORKDIR /home/wirkung

EXPOSE 8000

# No curl in the slim image; the standard library is enough.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

ENTRYPOINT ["wirkung", "serve"]
