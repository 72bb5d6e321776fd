"""Local model store: open_clip foundation models and second-check classifiers."""
