#ifndef C_VITALS_SHIMS_H
#define C_VITALS_SHIMS_H

#include <stdint.h>
#include <time.h>

/// Monotonic clock in nanoseconds. Inline so that a measurement costs the vDSO call and nothing else.
static inline uint64_t vitals_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/// Wall clock in nanoseconds since the Unix epoch.
static inline int64_t vitals_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + (int64_t)ts.tv_nsec;
}

/// A small number that stays the same for the life of the calling thread and differs between the
/// first threads that ask (0, 1, 2, … in order of first use). Used to pick a counter stripe so that
/// threads recording the same operation do not share a cache line.
uint32_t vitals_thread_number_slow(void);
extern __thread uint32_t vitals_thread_number_plus_one;

static inline uint32_t vitals_thread_number(void) {
    uint32_t n = vitals_thread_number_plus_one;
    if (__builtin_expect(n != 0, 1)) {
        return n - 1;
    }
    return vitals_thread_number_slow();
}

/// Raises the calling thread's nice value by `increment` (Linux schedules each thread by its own), so that its
/// work yields to the process's other threads. Returns 0, or -1 with errno set.
int vitals_lower_thread_priority(int increment);

/// Makes glibc's allocator return large blocks to the system when they are freed (a fixed mmap threshold of
/// `threshold` bytes instead of one that grows with the largest block freed) and use at most `arenas` arenas.
/// A server that decodes request bodies of megabytes from several threads otherwise keeps its high-water mark
/// of fragmented heap. Does nothing where the allocator is not glibc's. Returns 1 when applied.
int vitals_limit_heap_retention(int threshold, int arenas);

#endif
