"""The ops topic (issue #16): importing its modules registers the cases."""
from . import ops_array, ops_array_extra, ops_misc, ops_nn  # noqa: F401
