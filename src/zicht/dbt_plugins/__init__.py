"""dbt-duckdb plugins of Zicht (registered in dbt_project/profiles.yml)."""
