"""The station's records: the SQLAlchemy models, the database with its migrations, and the stored frame images.

It imports nothing of the project but station.errors (an import contract in pyproject.toml), so it stays usable
from any layer and on its own (migrations, the central desk)."""
