"""The hostile files of the fault matrix (issue #17, defect 8): each must give a clear error."""

from __future__ import annotations

DEEP_TOML = 'name = "x"\nsteps = ' + "[" * 500 + "]" * 500 + "\n"
BIG_INT_TOML = "name = " + "9" * 5000 + "\n"
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_BEERJSON = '{"beerjson": {"version": 1, "recipes": ' + "[" * 100_000 + "]" * 100_000 + "}}"
DEEP_YAML = "basic:\n  name: x\nsteps: " + "[" * 100_000 + "]" * 100_000 + "\n"
BIG_VERSION_JSON = '{"beerjson": {"version": ' + "9" * 5000 + ', "recipes": []}}'
HUGE_CSV_FIELD = "date,temperature\n2024-05-01T00:00:00," + "x" * 140_000 + "\n"
DEEP_STATE = b"[" * 200_000

PROFILE_FILES = {"deep.toml": DEEP_TOML, "bigint.toml": BIG_INT_TOML}
IMPORT_FILES = {
    "deep.json": DEEP_JSON,
    "deep-beerjson.json": DEEP_BEERJSON,
    "deep.yaml": DEEP_YAML,
    "bigver.json": BIG_VERSION_JSON,
    "big.csv": HUGE_CSV_FIELD,
}
