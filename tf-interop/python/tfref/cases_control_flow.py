"""The control-flow topic (issue #14): importing its modules registers the cases."""
from . import cf_functions, cf_loops, cf_rnn  # noqa: F401
