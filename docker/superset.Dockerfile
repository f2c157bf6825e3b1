# The Superset image: Superset's own locked environment, the bundle and its configuration.
FROM python:3.11-slim
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /opt/zicht
COPY superset_env ./superset_env
RUN UV_PROJECT_ENVIRONMENT=/opt/zicht/.venvs/superset uv sync --frozen --project superset_env \
    && uv pip install --python /opt/zicht/.venvs/superset psycopg2-binary
COPY superset_assets ./superset_assets
ENV PATH=/opt/zicht/.venvs/superset/bin:$PATH \
    SUPERSET_CONFIG_PATH=/opt/zicht/superset_assets/superset_config.py
CMD ["gunicorn", "--bind", "0.0.0.0:8088", "--workers", "4", "--worker-class", "gthread", "--threads", "4", \
     "--timeout", "120", "superset.app:create_app()"]
