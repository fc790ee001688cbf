"""The component registry: immutable published versions in a catalog store with an index."""
