-- The least a station (or the archiver) needs on a PostgreSQL event store whose schema the
-- owner role has created (the first open by the owner applies the migrations). Replace
-- plant_station and plant with the role and database names of the site.
CREATE ROLE plant_station LOGIN PASSWORD 'choose-one';
GRANT CONNECT ON DATABASE plant TO plant_station;
GRANT USAGE ON SCHEMA public TO plant_station;
GRANT SELECT ON schema_version TO plant_station;
-- Events and their free-text index: read and append only (triggers refuse UPDATE and DELETE even to the owner).
GRANT SELECT, INSERT ON plant_events, text_blocks TO plant_station;
-- What moves after an append: statuses, delivery records, snapshots, the chain head.
GRANT SELECT, INSERT, UPDATE ON event_status, deliveries, snapshots TO plant_station;
GRANT SELECT, UPDATE ON chain_head TO plant_station;
