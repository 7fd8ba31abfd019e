"""control-flow topic, the v1 dynamic_rnn LSTM (batch 4, time 5, input depth 3, 8 units) in both control
flow forms: TensorFlow 1.x (Enter/Exit/..., TensorArrayV3, reference variables, ApplyAdam) and TensorFlow 2's
(While/If over a function library, TensorList ops, resource variables, ResourceApplyAdam)."""
from . import lstm_graph
from .cf_loops import ISSUE, TOPIC
from .registry import register
from .tfutil import run_steps, session, v1, variable_values

SHAPE = dict(batch=4, time=5, depth=3, units=8)
STEPS = 5
LEARNING_RATE = 0.01

_FORM = {"tf1": "control flow v1 (Enter/Exit/Switch/Merge, TensorArrayV3), reference variables",
         "tf2": "control flow v2 (While over a function library, TensorList ops), resource variables"}


def _forward(mode):
    def fill(w):
        m = lstm_graph.build(**SHAPE)
        feeds = lstm_graph.step_feeds(m, 0)
        del feeds["y"]
        fetch = [m.outputs, m.state_c, m.state_h]
        with session(m.graph) as s:
            s.run(m.init)
            values = s.run(fetch, {m.graph.get_tensor_by_name(k + ":0"): v for k, v in feeds.items()})
            initial = variable_values(s, v1.global_variables())
        expected = {t.name: v for t, v in zip(fetch, values)}
        w.graph(m.graph.as_graph_def(), list(expected))
        w.run(feeds, expected, run_first=[m.init.name])
        w.variables(initial)
        w.note("variables.json holds the values the init op assigns (Const initial values in the graph)")
    return fill


def _train(mode):
    def fill(w):
        m = lstm_graph.build(**SHAPE, optimizer=v1.train.AdamOptimizer(LEARNING_RATE))
        grads = [gr.name for gr in m.gradients]
        with session(m.graph) as s:
            s.run(m.init)
            initial = variable_values(s, v1.global_variables())
            steps = run_steps(s, [{"feeds": lstm_graph.step_feeds(m, k), "fetches": [m.loss.name] + grads,
                                   "targets": [m.train.name]} for k in range(STEPS)])
            final = variable_values(s, v1.global_variables())
        w.graph(m.graph.as_graph_def(), [m.loss.name] + grads)
        w.steps(steps, run_first=[m.init.name])
        w.variables(initial, "initial_variables.json")
        w.variables(final)
        w.set("initial_variables", "initial_variables.json")
        w.set("gradients", {v.op.name: gr for v, gr in zip(_trainables(m), grads)})
        w.note("each step fetches the loss and the gradients before that step's Adam update (lr %g); "
               "variables.json holds every variable (Adam slots and beta powers too) after step %d"
               % (LEARNING_RATE, STEPS))
    return fill


def _trainables(m):
    with m.graph.as_default():
        return v1.trainable_variables()


for _mode in ("tf1", "tf2"):
    _suffix = "v1" if _mode == "tf1" else "v2"
    register(TOPIC, "dynamic_rnn_lstm_forward_" + _suffix, ISSUE, _forward(_mode),
             "tf.compat.v1.nn.dynamic_rnn with an LSTMCell (8 units) on x [4,5,3] with sequence_length fed "
             "[5,3,5,2]: outputs (zero past each length) and the final state c, h; %s" % _FORM[_mode], mode=_mode)
    register(TOPIC, "dynamic_rnn_lstm_train_" + _suffix, ISSUE, _train(_mode),
             "The same LSTM trained %d steps with Adam (lr %g) on loss mean((h - y)^2) + 0.5 mean(outputs^2): "
             "per step the loss and the gradients of kernel and bias, then every variable; %s"
             % (STEPS, LEARNING_RATE, _FORM[_mode]), mode=_mode)
