"""Topic folder -> the module whose import registers its cases."""
TOPICS = {
    "control-flow": "tfref.cases_control_flow",
    "saved-model": "tfref.cases_saved_model",
    "ops": "tfref.cases_ops",
    "keras-apps": "tfref.cases_keras_apps",
    "training": "tfref.cases_training",
    "slim": "tfref.cases_slim",
}
