package dev.tensorgraph.cpu;

import dev.tensorgraph.errors.UnimplementedException;

/**
 * The loops of the comparison and logical kernels (bool output), one counted loop per (operation, dtype)
 * over one broadcast run of {@link BroadcastIndexer}. uint8 is compared unsigned.
 */
final class CompareLoops {
    static final int EQUAL = 0;
    static final int NOT_EQUAL = 1;
    static final int LESS = 2;
    static final int LESS_EQUAL = 3;
    static final int GREATER = 4;
    static final int GREATER_EQUAL = 5;
    static final int AND = 6;
    static final int OR = 7;

    private CompareLoops() {}
//# for float double int long boolean

    static void ${tag}(int op, ${T}[] a, int ao, int as, ${T}[] b, int bo, int bs, boolean[] o, int oo, int n) {
        switch (op) {
            case EQUAL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] == b[bo + i * bs];
                }
            }
            case NOT_EQUAL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] != b[bo + i * bs];
                }
            }
//# if boolean
            case AND -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] && b[bo + i * bs];
                }
            }
            case OR -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] || b[bo + i * bs];
                }
            }
//# else
            case LESS -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] < b[bo + i * bs];
                }
            }
            case LESS_EQUAL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] <= b[bo + i * bs];
                }
            }
            case GREATER -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] > b[bo + i * bs];
                }
            }
            case GREATER_EQUAL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i * as] >= b[bo + i * bs];
                }
            }
//# end
            default -> throw new UnimplementedException("comparison " + op + " is not implemented for ${T}");
        }
    }
//# end

    static void u8(int op, byte[] a, int ao, int as, byte[] b, int bo, int bs, boolean[] o, int oo, int n) {
        for (int i = 0; i < n; i++) {
            int x = a[ao + i * as] & 0xFF;
            int y = b[bo + i * bs] & 0xFF;
            o[oo + i] = switch (op) {
                case EQUAL -> x == y;
                case NOT_EQUAL -> x != y;
                case LESS -> x < y;
                case LESS_EQUAL -> x <= y;
                case GREATER -> x > y;
                case GREATER_EQUAL -> x >= y;
                default -> throw new UnimplementedException("comparison " + op + " is not implemented for uint8");
            };
        }
    }
}
