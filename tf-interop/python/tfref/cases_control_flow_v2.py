"""The control-flow-v2 topic (issue #14): importing its modules registers the cases."""
from . import cf_lists  # noqa: F401
