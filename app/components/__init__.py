"""Widgets and chart builders shared by the pages."""
