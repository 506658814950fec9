-- Before each step run: 60,000 new bench-step cases waiting at task a, like the benchmark's copies, and the queue
-- (public.pgbench_queue, read in order through public.pgbench_queue_seq) of their tasks. Follow with VACUUM ANALYZE and
-- CHECKPOINT, as the benchmark does before its rounds.
DROP TABLE IF EXISTS public.pgbench_queue;
CREATE TEMP TABLE fresh AS
    SELECT gen_random_uuid() AS iid, gen_random_uuid() AS eid, gen_random_uuid() AS tid FROM generate_series(1, 60000);
WITH t AS (SELECT * FROM wf.process_instances WHERE definition_key = 'bench-step' LIMIT 1)
INSERT INTO wf.process_instances (id, definition_id, definition_key, definition_version, business_key, state, started_at,
                                  started_by, ended_at, end_reason, last_activity_at, parent_instance_id, parent_execution_id, revision)
    SELECT f.iid, t.definition_id, t.definition_key, t.definition_version, t.business_key, 'Running', now(), t.started_by,
           NULL, NULL, now(), NULL, NULL, 1
    FROM fresh f, t;
INSERT INTO wf.executions (id, instance_id, parent_id, activity_id, state, is_multi_instance_root, loop_counter, arrived_via, entered_at)
    SELECT eid, iid, NULL, 'a', 'Waiting', false, NULL, 'f1', now() FROM fresh;
INSERT INTO wf.user_tasks (id, assignee, business_key, candidate_groups, candidate_users, claimed_at, completed_at, completed_by,
                           created_at, due_at, element_id, execution_id, follow_up_at, form_fields_json, form_key, instance_id,
                           name, priority, process_key, revision, state)
    SELECT tid, NULL, NULL, '{conseiller}', '{}', NULL, NULL, NULL, now(), NULL, 'a', eid, NULL, NULL, NULL, iid, 'A', 50,
           'bench-step', 0, 'Open'
    FROM fresh;
CREATE TABLE public.pgbench_queue AS SELECT row_number() OVER () AS n, tid, iid, eid FROM fresh;
CREATE UNIQUE INDEX ON public.pgbench_queue (n);
ALTER SEQUENCE public.pgbench_queue_seq RESTART WITH 1;
