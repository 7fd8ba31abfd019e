package dev.tensorgraph.ops.control;

import com.google.protobuf.ByteString;
import dev.tensorgraph.proto.ControlFlowContextDef;

/**
 * A TensorFlow 1.x control-flow context (one branch of a cond, or a while loop) as a MetaGraph records it: an item
 * of the {@code cond_context} or {@code while_context} collection, written as a serialized {@code CondContextDef}
 * or {@code WhileContextDef}. Contexts nested in another one are written inside it, not in the collection.
 */
public interface ControlFlowContext {
    /** This context, its nested contexts included, as TensorFlow's {@code ControlFlowContextDef}. */
    ControlFlowContextDef toContextDef();

    /** The bytes of this context's collection entry: the serialized CondContextDef or WhileContextDef. */
    default ByteString entryBytes() {
        ControlFlowContextDef def = toContextDef();
        return def.hasCondCtxt() ? def.getCondCtxt().toByteString() : def.getWhileCtxt().toByteString();
    }
}
