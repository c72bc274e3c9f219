-- What a prediction request must look like and how classes are named, from perennial.streams.
ALTER TABLE served_models ADD COLUMN labels jsonb;
ALTER TABLE served_models ADD COLUMN input_shape jsonb;
ALTER TABLE served_models ALTER COLUMN stream DROP NOT NULL;
