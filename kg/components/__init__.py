"""spaCy components that add what LAC lacks; importing registers their factories."""
from . import decode, entities, model, officials, orgs, places, projects  # noqa: F401
