INSERT INTO public.pgbench_raw (u, payload) VALUES (gen_random_uuid(), 'x');
