"""Benchmarks of the service against a plain CRUD Flask app, run by `make bench`
(`python -m bench`); they print and record figures, they assert nothing."""
