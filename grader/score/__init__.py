"""Stage 4, score: ``grade_submission`` (bytes + config -> points per test and topic) and the config it reads."""
