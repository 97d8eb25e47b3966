"""Data logging: the local SQLite history and the InfluxDB writer with its durable outbox.

Both are optional daemon components fed by the hub (``brewctl.service.hub``); see
docs/history.md for the schemas, the API and the figures.
"""
