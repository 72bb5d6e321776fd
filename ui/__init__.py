"""PySide6 application for the inspection station (calls into `station`, never the reverse)."""
