/* ring.c - a fixed-size ring buffer for sensor samples. */
#include <stdio.h>
#include <stdlib.h>
#include "ring.h"
#include "platform/clock.h"

#define RING_CAPACITY 64
#define RING_NEXT(i) (((i) + 1) % RING_CAPACITY)

typedef unsigned int u32;

typedef struct sample {
    u32 timestamp;
    float value;
} sample_t;

struct ring {
    sample_t items[RING_CAPACITY];
    size_t head, tail;
};

enum ring_status { RING_OK, RING_FULL = 2, RING_EMPTY };

union reading { int raw; float scaled; };

static int g_instances = 0;
const char *RING_NAME = "sensor-ring";

int ring_push(struct ring *r, sample_t s);
static size_t ring_size(const struct ring *r);

struct ring *ring_create(void)
{
    struct ring *r = calloc(1, sizeof(struct ring));
    if (!r) {
        perror("calloc");
        return NULL;
    }
    g_instances++;
    return r;
}

int ring_push(struct ring *r, sample_t s) {
    if (ring_size(r) == RING_CAPACITY - 1)
        return RING_FULL;
    s.timestamp = (u32)clock_now_ms();
    r->items[r->head] = s;
    r->head = RING_NEXT(r->head);
    return RING_OK;
}

static size_t ring_size(const struct ring *r) {
    return (r->head + RING_CAPACITY - r->tail) % RING_CAPACITY;
}

void ring_destroy(struct ring *r) { free(r); }
