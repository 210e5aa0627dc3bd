"""Nonconformities and corrective action: the models."""
