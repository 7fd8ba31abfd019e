"""Writers of the TensorFlow reference cases; see ../README.md."""
