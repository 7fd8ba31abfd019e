/*
 * Where the host has put this machine's first two CPUs (docs/benchmarks-cpu.md, "Why W3 runs fast or slow"):
 * two threads pinned to CPU 0 and CPU 1 pass one cache line back and forth, and the median round trip in
 * nanoseconds is printed. Cores that share an L3 cache answer in well under 150 ns; cores of two L3 domains
 * take 300 ns or more. side-by-side.py runs it around every measurement.
 *
 *     gcc -O2 -pthread -o core-probe core-probe.c && ./core-probe
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TRIPS_PER_SAMPLE = 2000, SAMPLES = 25 };

/* The shared line, alone in its 64 bytes so that nothing else moves with it. */
static _Alignas(64) _Atomic long ball;

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* CPU 1 answers every odd value with the next even one, until told to stop with -1. */
static void *answer(void *unused) {
    (void) unused;
    if (pin(1) != 0) {
        fprintf(stderr, "core-probe: cannot run on CPU 1\n");
        exit(2);
    }
    for (;;) {
        long v = atomic_load_explicit(&ball, memory_order_acquire);
        if (v < 0) {
            return NULL;
        }
        if (v & 1) {
            atomic_store_explicit(&ball, v + 1, memory_order_release);
        }
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(void) {
    if (pin(0) != 0) {
        fprintf(stderr, "core-probe: cannot run on CPU 0\n");
        return 2;
    }
    pthread_t other;
    pthread_create(&other, NULL, answer, NULL);
    double ns[SAMPLES];
    long v = 0;
    for (int s = 0; s < SAMPLES; s++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < TRIPS_PER_SAMPLE; i++) {
            atomic_store_explicit(&ball, ++v, memory_order_release);
            while (atomic_load_explicit(&ball, memory_order_acquire) == v) {
            }
            v++;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ns[s] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / TRIPS_PER_SAMPLE;
    }
    atomic_store_explicit(&ball, -1, memory_order_release);
    pthread_join(other, NULL);
    qsort(ns, SAMPLES, sizeof ns[0], by_value);
    printf("%.0f\n", ns[SAMPLES / 2]);
    return 0;
}
