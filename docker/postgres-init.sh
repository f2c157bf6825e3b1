#!/usr/bin/env bash
# One database and owner each for Airflow and Superset metadata; passwords from the environment.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE USER airflow WITH PASSWORD '${AIRFLOW_DB_PASSWORD}';
CREATE DATABASE airflow OWNER airflow;
CREATE USER superset WITH PASSWORD '${SUPERSET_DB_PASSWORD}';
CREATE DATABASE superset OWNER superset;
SQL
