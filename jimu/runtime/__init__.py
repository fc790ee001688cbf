"""The component contract: one invocation document, the same in a pod and a local process."""

from jimu.runtime.context import ComponentContext, FatalError

__all__ = ["ComponentContext", "FatalError"]
