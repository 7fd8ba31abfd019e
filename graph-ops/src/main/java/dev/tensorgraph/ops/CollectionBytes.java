package dev.tensorgraph.ops;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/**
 * One item of a MetaGraph collection stored as {@code bytes_list} whose meaning Tensorgraph does not interpret (a
 * serialized proto of another library, a string TensorFlow wrote as bytes): kept as the exact bytes, so that a graph
 * read and saved again carries them unchanged. TensorFlow's Python hands such items out as {@code bytes} too.
 *
 * <pre>{@code
 * CollectionBytes item = g.collectionItem("my_strings", 0, CollectionBytes.class);
 * String text = item.toStringUtf8();
 * }</pre>
 */
public final class CollectionBytes {
    private final ByteString bytes;

    private CollectionBytes(ByteString bytes) {
        this.bytes = bytes;
    }

    /** The item holding a copy of {@code bytes}. */
    public static CollectionBytes of(byte[] bytes) {
        return new CollectionBytes(ByteString.copyFrom(bytes));
    }

    static CollectionBytes of(ByteString bytes) {
        return new CollectionBytes(bytes);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    ByteString byteString() {
        return bytes;
    }

    public int size() {
        return bytes.size();
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD; the item itself is unchanged). */
    public String toStringUtf8() {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectionBytes c && c.bytes.equals(bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    /** A short readable form: the text when it is printable UTF-8 (cut after 80 characters), else the length. */
    @Override
    public String toString() {
        String s = bytes.isValidUtf8() ? toStringUtf8() : null;
        if (s != null && s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            return s.length() > 80 ? s.substring(0, 80) + "..." : s;
        }
        return "<" + bytes.size() + " bytes>";
    }
}
