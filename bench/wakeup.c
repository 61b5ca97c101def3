// How late a thread wakes from a sleep to a deadline, with and without the CPU latency request.
//   cc -O2 -o /tmp/wakeup bench/wakeup.c && sudo /tmp/wakeup        (root: real-time priority and the request)
// Sleeps 2,000 times to a deadline 7 ms ahead (CLOCK_MONOTONIC, absolute) at SCHED_FIFO 1, first with the
// machine's idle states as they are, then holding 0 us on /dev/cpu_dma_latency (what release.keep-cpus-awake
// does), and prints the overshoot's percentiles for each.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { Sleeps = 2000 };

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void measure(const char *label) {
    static long late[Sleeps];
    for (int i = 0; i < Sleeps; i++) {
        long at = now_ns() + 7000000L;
        struct timespec ts = {at / 1000000000L, at % 1000000000L};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        late[i] = now_ns() - at;
    }
    qsort(late, Sleeps, sizeof late[0], by_value);
    printf("%-24s overshoot us: p50 %ld  p90 %ld  p99 %ld  max %ld\n", label, late[Sleeps / 2] / 1000,
           late[Sleeps * 9 / 10] / 1000, late[Sleeps * 99 / 100] / 1000, late[Sleeps - 1] / 1000);
}

int main(void) {
    struct sched_param p = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &p) != 0) perror("SCHED_FIFO (going on at normal priority)");
    measure("idle states as they are");
    int fd = open("/dev/cpu_dma_latency", O_WRONLY);
    int zero = 0;
    if (fd < 0 || write(fd, &zero, sizeof zero) != sizeof zero) {
        perror("/dev/cpu_dma_latency");
        return 1;
    }
    measure("0 us latency requested");
    close(fd);
    return 0;
}
