"""Offline self-tests: PRM attack on the foundation model, backdoor probe, and their runner."""
