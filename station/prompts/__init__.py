"""RVPT visual prompt sets: file format, tuning, versions."""
