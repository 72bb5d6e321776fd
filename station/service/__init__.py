"""What the GUI and the CLI call: one place for each action a person can take at the station.

Functions here take the open `Station` and the acting user, check the user's permission themselves,
open their own database sessions and return plain typed results (dataclasses and enums), so no caller
needs SQLAlchemy. Long work takes one `station.progress.Progress` and raises `station.errors.Cancelled`
when asked to stop; problems for people raise `station.errors.StationError`.
"""
