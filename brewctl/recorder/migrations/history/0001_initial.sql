-- History of every control cycle and event. Values are scaled integers (see brewctl/recorder/codec.py).

CREATE TABLE fermenter (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Raw samples, one per fermenter and control cycle (repeats of an unchanged row are skipped).
-- Keyed by time first: rows arrive in time order, so a commit touches only the right-most pages.
CREATE TABLE sample (
    ts_ms INTEGER NOT NULL,
    fermenter INTEGER NOT NULL,
    beer INTEGER,
    chamber INTEGER,
    room INTEGER,
    beer_sp INTEGER,
    chamber_sp INTEGER,
    heat INTEGER,
    cool INTEGER,
    valve INTEGER,
    p INTEGER,
    i INTEGER,
    d INTEGER,
    gravity INTEGER,
    mode INTEGER,
    step INTEGER,
    PRIMARY KEY (ts_ms, fermenter)
) WITHOUT ROWID;

-- 1-minute aggregates: means (min/max for beer and chamber); gravity, mode, step as last seen.
CREATE TABLE minute (
    minute_s INTEGER NOT NULL,
    fermenter INTEGER NOT NULL,
    n INTEGER NOT NULL,
    beer INTEGER,
    chamber INTEGER,
    room INTEGER,
    beer_sp INTEGER,
    chamber_sp INTEGER,
    heat INTEGER,
    cool INTEGER,
    valve INTEGER,
    p INTEGER,
    i INTEGER,
    d INTEGER,
    beer_min INTEGER,
    beer_max INTEGER,
    chamber_min INTEGER,
    chamber_max INTEGER,
    gravity INTEGER,
    mode INTEGER,
    step INTEGER,
    PRIMARY KEY (minute_s, fermenter)
) WITHOUT ROWID;

CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    ts_ms INTEGER NOT NULL,
    fermenter TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT
);
CREATE INDEX event_by_time ON event (ts_ms);
