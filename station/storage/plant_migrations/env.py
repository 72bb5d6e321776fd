"""Alembic environment of the plant database (its own history and version table, beside nothing of a station's)."""

from alembic import context

from station.storage.plant import PLANT_VERSION_TABLE, plant_metadata

config = context.config


def run_migrations_online() -> None:
    context.configure(connection=config.attributes["connection"], target_metadata=plant_metadata,
                      version_table=PLANT_VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
