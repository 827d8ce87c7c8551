#define _GNU_SOURCE
#include "CVitalsShims.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread uint32_t vitals_thread_number_plus_one = 0;
static uint32_t next_thread_number = 0;

uint32_t vitals_thread_number_slow(void) {
    uint32_t n = __atomic_fetch_add(&next_thread_number, 1, __ATOMIC_RELAXED);
    vitals_thread_number_plus_one = n + 1;
    return n;
}

int vitals_lower_thread_priority(int increment) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), increment);
}

int vitals_limit_heap_retention(int threshold, int arenas) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, threshold) == 1 && mallopt(M_ARENA_MAX, arenas) == 1;
#else
    (void)threshold;
    (void)arenas;
    return 0;
#endif
}
