"""Scheduled jobs: the table of jobs (`fondsengine.jobs.table`: JOBS, run_job, list_jobs), the
scheduler that runs them (`scheduler`, on APScheduler, with a lease so one process runs them), and
one module per kind of job (deadlines, reminders, housekeeping, integrity) on `base`.

This package module imports nothing, so a use case can import one job module (the jury queues its
invitation mail through `reminders`) without loading every job.
"""
