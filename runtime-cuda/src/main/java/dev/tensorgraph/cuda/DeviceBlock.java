package dev.tensorgraph.cuda;

/** One cudaMalloc'ed region, recycled by the allocator across the buffers it backs over time. */
record DeviceBlock(long address, long size) {}
