package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link SavedModel#load} on an arbitrary {@code saved_model.pb} (beside the variables of TensorFlow's
 * {@code tf1_simple_save}) loads a model or throws one of {@code dev.tensorgraph.errors.*}, reading no file but
 * its own. Seeds ({@code SavedModelFuzzTestInputs/load}): that SavedModel's {@code saved_model.pb} and a
 * TensorFlow 2 one (tf.Module). Loops are cut at 1000 iterations, expansions at 1 MiB.
 */
@ExtendWith(SmallExpansionLimit.class)
class SavedModelFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("saved-model");

    static {
        try {
            Path src = Path.of(SavedModelFuzzTest.class.getResource(
                    "/tf-cases-2.21/saved-model/tf1_simple_save/saved_model/variables").toURI());
            Path vars = Files.createDirectories(FILES.dir().resolve("variables"));
            try (var files = Files.list(src)) {
                for (Path f : files.toList()) {
                    Files.copy(f, vars.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void load(byte[] input) {
        FILES.write("saved_model.pb", input, 0, input.length);
        try (SavedModel model = SavedModel.load(FILES.dir(), SessionOptions.cpuOnly().loopIterationLimit(1000),
                SavedModel.SERVE)) {
            assertNotNull(model.signatures());
        } catch (TensorgraphException expected) {
            // a typed error
        }
    }
}
