FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 app
# Pango and a font for the report's PDF (WeasyPrint); xmlsec1 for SAML signatures (pysaml2).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core xmlsec1 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY accounts ./accounts
COPY marketplace ./marketplace
COPY notifications ./notifications
COPY fastpaths ./fastpaths
COPY locale ./locale
COPY manage.py gunicorn.conf.py ./
RUN pip install . \
    && DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER app
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
