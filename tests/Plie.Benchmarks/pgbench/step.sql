-- The benchmark's step (task a of a bench-step case completed, task b created, four history events), as SqlStep sends
-- it, from pgbench: the same statements in the same two pipelined round trips (times from now() and constants instead
-- of parameters), after one round trip that takes the next task of the queue (not part of the engine's step). Neither
-- round trip has BEGIN or COMMIT: the reads lock nothing, and the second pipeline, one Sync, is one implicit
-- transaction, which the touch's revision check (first) refuses whole if the case changed since the reads.
SELECT tid, iid, eid FROM public.pgbench_queue WHERE n = (SELECT nextval('public.pgbench_queue_seq')) \gset
\startpipeline
SELECT id, business_key, definition_id, definition_key, definition_version, end_reason, ended_at, last_activity_at, parent_execution_id, parent_instance_id, revision, started_at, started_by, state FROM wf.process_instances WHERE id = (SELECT instance_id FROM wf.user_tasks WHERE id = :tid);
SELECT id, activity_id, arrived_via, entered_at, instance_id, is_multi_instance_root, loop_counter, parent_id, state FROM wf.executions WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = :tid);
SELECT id, execution_id, instance_id, json, name, type FROM wf.variables WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = :tid);
SELECT id, assignee, business_key, candidate_groups, candidate_users, claimed_at, completed_at, completed_by, created_at, due_at, element_id, execution_id, follow_up_at, form_fields_json, form_key, instance_id, name, priority, process_key, revision, state FROM wf.user_tasks WHERE instance_id = (SELECT instance_id FROM wf.user_tasks WHERE id = :tid) AND state = 'Open';
\endpipeline
\startpipeline
UPDATE wf.process_instances SET last_activity_at = now(), revision = 2 WHERE id = :iid AND (revision = 1 OR wf.stale_row('wf.process_instances', :iid::text));
UPDATE wf.executions SET activity_id = 'b', arrived_via = 'f2', entered_at = now() WHERE id = :eid;
UPDATE wf.user_tasks SET completed_at = now(), completed_by = 'bench', revision = 1, state = 'Completed' WHERE id = :tid AND (revision = 0 OR wf.stale_row('wf.user_tasks', :tid::text));
INSERT INTO wf.user_tasks (id, assignee, business_key, candidate_groups, candidate_users, claimed_at, completed_at, completed_by, created_at, due_at, element_id, execution_id, follow_up_at, form_fields_json, form_key, instance_id, name, priority, process_key, revision, state) VALUES (gen_random_uuid(), NULL, NULL, '{conseiller}', '{}', NULL, NULL, NULL, now(), NULL, 'b', :eid, NULL, NULL, NULL, :iid, 'B', 50, 'bench-step', 0, 'Open');
INSERT INTO wf.history_events (instance_id, at, data, element_id, element_name, element_type, task_id, type, user_id) VALUES (:iid, now(), '{"variables": {}}', 'a', 'A', 'userTask', :tid, 'TaskCompleted', 'bench'), (:iid, now(), NULL, 'a', 'A', 'userTask', NULL, 'ElementLeft', 'bench'), (:iid, now(), '{"via": "f2"}', 'b', 'B', 'userTask', NULL, 'ElementEntered', 'bench'), (:iid, now(), '{"dueAt": null, "assignee": null, "candidateGroups": ["conseiller"]}', 'b', 'B', 'userTask', :tid, 'TaskCreated', 'bench');
\endpipeline
