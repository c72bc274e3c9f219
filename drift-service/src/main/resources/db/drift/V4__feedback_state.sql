-- What a restarted instance needs to resume a stream's feedback monitors (prediction drift and the error stream),
-- written in the transaction of each evaluation and alarm: the prediction monitor's phase, reference (as collected,
-- it is one confidence and one class per prediction) and cooldown, the error detector's state (detector-specific
-- numbers, see SequentialDetector.state) and, per partition of perennial.predictions and perennial.labels, the
-- position the state holds everything before and where a restart replays from (the current prediction window and
-- the predictions and labels still waiting for their other half).
CREATE TABLE feedback_state (
    stream                      text PRIMARY KEY,
    labels                      jsonb NOT NULL DEFAULT '[]',
    prediction_phase            text NOT NULL,
    prediction_reference        bytea,
    prediction_reference_labels bytea,
    prediction_reference_from   jsonb NOT NULL DEFAULT '{}',
    prediction_monitor_from     jsonb NOT NULL DEFAULT '{}',
    predictions_seen            bigint NOT NULL DEFAULT 0,
    prediction_cooldown_left    int NOT NULL DEFAULT 0,
    error_detector              text,
    error_state                 bytea,
    error_count                 bigint NOT NULL DEFAULT 0,
    predictions_position        jsonb NOT NULL DEFAULT '{}',
    predictions_replay_from     jsonb NOT NULL DEFAULT '{}',
    window_from                 jsonb NOT NULL DEFAULT '{}',
    labels_position             jsonb NOT NULL DEFAULT '{}',
    labels_replay_from          jsonb NOT NULL DEFAULT '{}',
    samples_position            jsonb NOT NULL DEFAULT '{}',
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
