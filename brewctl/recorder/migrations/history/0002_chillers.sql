-- Shared glycol chillers: a chiller is a series named 'chiller:NAME' in the fermenter table
-- (a fermenter id cannot hold ':'), its rows in sample/minute use these columns only.
-- Reservoir in hundredths of degC; open valves, waiting valves and the overload flag in
-- hundredths (a minute's mean: 0.5 open valves, overloaded 25% of the minute).
ALTER TABLE sample ADD COLUMN reservoir INTEGER;
ALTER TABLE sample ADD COLUMN open_valves INTEGER;
ALTER TABLE sample ADD COLUMN waiting INTEGER;
ALTER TABLE sample ADD COLUMN overloaded INTEGER;
ALTER TABLE minute ADD COLUMN reservoir INTEGER;
ALTER TABLE minute ADD COLUMN open_valves INTEGER;
ALTER TABLE minute ADD COLUMN waiting INTEGER;
ALTER TABLE minute ADD COLUMN overloaded INTEGER;
