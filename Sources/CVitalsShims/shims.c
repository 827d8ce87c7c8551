#define _GNU_SOURCE
#include "CVitalsShims.h"

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
