# Descent service image: `docker build -t descent . && docker run -p 8000:8000 -v descent-data:/data descent`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DESCENT_DATABASE_URL=sqlite:////data/descent.db \
    DESCENT_HOST=0.0.0.0 \
    DESCENT_PORT=8000

WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY engine ./engine
COPY content ./content
COPY alembic ./alembic
RUN pip install . && rm -rf /src

RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin descent \
    && mkdir -p /data && chown descent:descent /data
USER descent
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

CMD ["descent", "serve", "--host", "0.0.0.0"]
