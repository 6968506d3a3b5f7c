-- A service with two queues bound to one event type handles it once per queue: the inbox
-- dedupes per (message, handler), not per message.
ALTER TABLE saga_coord.inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE saga_coord.inbox ADD PRIMARY KEY (message_id, handler);
