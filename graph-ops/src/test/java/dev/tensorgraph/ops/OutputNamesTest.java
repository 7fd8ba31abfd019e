package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.testing.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every registered op with several output arguments names them as TensorFlow does, in order, and no other op
 * names any: a function body reads an output as {@code node:output_arg:index}, which only the names resolve.
 * The facts come from TensorFlow 2.21's op registry ({@code tf-interop/python/op_output_args.py} writes
 * {@code tf-op-facts/output-args.json}: every op type with several output arguments or one list).
 */
class OutputNamesTest {
    @Test
    void opsWithSeveralOutputArgumentsNameThemAsTensorFlowDoes() throws Exception {
        Map<String, Object> facts;
        try (InputStream in = OutputNamesTest.class.getResourceAsStream("/tf-op-facts/output-args.json")) {
            facts = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(facts.size() > 400, "read " + facts.size() + " op types");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (OpDef d : OpRegistry.global().all()) {
            List<Object> args = facts.containsKey(d.type()) ? Json.asList(facts.get(d.type())) : List.of();
            List<String> want = new ArrayList<>();
            if (args.size() > 1) {
                for (Object a : args) {
                    Map<String, Object> arg = Json.asMap(a);
                    assertEquals(false, arg.get("list"), d.type() + ": a list among several output arguments");
                    want.add((String) arg.get("name"));
                }
                checked++;
            }
            if (!want.equals(d.outputNames())) {
                wrong.add(d.type() + " declares " + d.outputNames() + ", TensorFlow has " + want);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertTrue(checked >= 20, "only " + checked + " ops with several output arguments");
    }
}
