-- Once, on a cluster kept by `Plie.Benchmarks --keep`: the raw table and the queue's sequence.
CREATE TABLE IF NOT EXISTS public.pgbench_raw (id bigserial PRIMARY KEY, u uuid NOT NULL, payload text NOT NULL);
CREATE SEQUENCE IF NOT EXISTS public.pgbench_queue_seq;
