"""Routers by domain."""
