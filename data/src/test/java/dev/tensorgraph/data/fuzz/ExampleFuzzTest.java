package dev.tensorgraph.data.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Examples;
import dev.tensorgraph.data.FeatureSpec;
import dev.tensorgraph.fuzz.AllocationBudget;
import java.util.Map;

/**
 * The Example and SequenceExample parsers on arbitrary bytes, with a spec of every kind of feature (the one of
 * the TensorFlow-written test files). Seeds ({@code ExampleFuzzTestInputs/parse}): records of those files.
 */
class ExampleFuzzTest {
    private static final Map<String, FeatureSpec> SPEC = Map.of(
            "label", FeatureSpec.fixedLen(Shape.scalar(), DType.INT64, Tensor.of(0L)),
            "weights", FeatureSpec.fixedLen(Shape.of(3), DType.FLOAT32, Tensor.of(0f)),
            "name", FeatureSpec.fixedLen(Shape.scalar(), DType.STRING, Tensor.ofString("")),
            "tags", FeatureSpec.varLen(DType.STRING),
            "ids", FeatureSpec.varLen(DType.INT64));
    private static final Map<String, FeatureSpec> STEPS = Map.of(
            "tokens", FeatureSpec.fixedLen(Shape.of(1), DType.INT64),
            "frames", FeatureSpec.fixedLen(Shape.of(2), DType.FLOAT32));

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        AllocationBudget.check(input.length, 1024, "Examples.parseExample",
                () -> Examples.parseExample(input, SPEC, "fuzz input"));
        AllocationBudget.check(input.length, 1024, "Examples.parseSequenceExample",
                () -> Examples.parseSequenceExample(input, Map.of("length", FeatureSpec.varLen(DType.INT64)), STEPS,
                        "fuzz input"));
    }
}
