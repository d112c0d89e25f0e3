# One image for all three Wirkung services; the compose file picks the service:
#   command: ["agreements", "--host", "0.0.0.0", "--port", "8000"]
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
