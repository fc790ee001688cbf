"""The component catalog: one folder per component (component.yaml, code, Dockerfile)."""
