package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;

/**
 * One element on its way through a pipeline, with a description of where it came from ({@code origin}: a file,
 * a record of a file, an index) that error messages name.
 */
record Item(Map<String, Tensor> element, String origin) {}
