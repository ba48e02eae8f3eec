# Practice Exchange: the web application. The database runs separately (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Pango (and fonts) for WeasyPrint, which prints the briefing packs (docs/briefing.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin practice

# Templates, static files and questionnaires are read from the source tree, so the package
# is installed in place.
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY frontend ./frontend
COPY surveys ./surveys
RUN pip install -e . && chown -R root:root /app && chmod -R a+rX /app

USER practice
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["practice-exchange", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
