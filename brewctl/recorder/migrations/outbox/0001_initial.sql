-- InfluxDB outbox: line protocol waiting for the server's acknowledgement, oldest first.
CREATE TABLE batch (
    id INTEGER PRIMARY KEY,
    points INTEGER NOT NULL,
    lines TEXT NOT NULL
);
