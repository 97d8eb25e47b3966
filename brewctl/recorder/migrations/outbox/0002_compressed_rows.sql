-- batch.lines may now hold zlib-compressed line protocol (a BLOB) as well as plain text.
-- Nothing to change in the table (SQLite stores a BLOB in a TEXT column as it is); the version
-- makes an older brewctl refuse this file rather than send compressed bytes to the server.
SELECT 1;
