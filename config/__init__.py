"""Typed settings and the data files (schemas, rules, dashboards) the project writes itself."""

from wirestream.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
