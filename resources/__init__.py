"""Files the station ships: the demo models, icons and translations (installed as station.resources)."""
