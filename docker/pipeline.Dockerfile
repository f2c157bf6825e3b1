# The pipeline image: the locked pipeline environment, the zicht package, DAGs, dbt project and suites.
FROM python:3.11-slim
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /opt/zicht
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
COPY expectations ./expectations
RUN uv sync --frozen --no-dev && uv pip install --python .venv psycopg2-binary apache-airflow-providers-fab
COPY dags ./dags
COPY dbt_project ./dbt_project
ENV PATH=/opt/zicht/.venv/bin:$PATH
