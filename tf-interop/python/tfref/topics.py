"""Topic folder -> the module whose import registers its cases."""
TOPICS = {
    "control-flow": "tfref.cases_control_flow",
    "saved-model": "tfref.cases_saved_model",
    "ops": "tfref.cases_ops",
    "keras-apps": "tfref.cases_keras_apps",
    "training": "tfref.cases_training",
    "slim": "tfref.cases_slim",
    "control-flow-v2": "tfref.cases_control_flow_v2",
}

# Topics written into a sibling resource folder instead of tf-cases-2.21 (which is near its size cap).
ROOTS = {"control-flow-v2": "tf-cases-2.21-v2"}
