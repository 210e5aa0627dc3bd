"""Internal audit: the models."""
