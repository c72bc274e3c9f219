-- Transactional outbox: a state change and the event announcing it commit in one transaction;
-- the relay publishes rows to Kafka in insertion order and marks them.
CREATE TABLE outbox (
    id            uuid PRIMARY KEY,
    seq           bigserial NOT NULL UNIQUE,
    aggregatetype text NOT NULL,
    aggregateid   text NOT NULL,
    type          text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- Idempotent consumers: an event id is processed at most once per consumer.
CREATE TABLE processed_events (
    consumer     text NOT NULL,
    event_id     text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
