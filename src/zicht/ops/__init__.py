"""Pipeline quality in view: read the state the pipeline leaves behind and say what needs attention.

`collect_health` reads only files and the warehouse (read-only), so it can run beside a running
pipeline; `zicht status` prints it for a terminal, cron or CI; `alerts` records and sends alerts.
"""
