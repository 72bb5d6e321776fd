"""One page per job: live inspection, review, self-tests, prompts and models, settings, users and audit."""
