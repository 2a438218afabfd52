"""kg: knowledge graphs from Chinese provincial newspaper pages."""

__version__ = "0.1.0"
