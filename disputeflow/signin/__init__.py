"""Signing in: passwords with lock-out for people, API tokens for other systems."""
