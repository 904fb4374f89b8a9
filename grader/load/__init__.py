"""Stage 1, load: a submission (folder, .zip or notebook) -> module bytes per topic."""
