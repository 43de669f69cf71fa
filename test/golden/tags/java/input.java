package com.acme.orders;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import static java.util.Objects.requireNonNull;
import com.acme.orders.model.Order;

/** Processes orders in the background and notifies listeners. */
public class OrderProcessor<T extends Order> implements AutoCloseable {
    public static final int MAX_BATCH = 50;
    private static int instances = 0;
    private final ExecutorService executor;
    private final List<OrderListener> listeners = new ArrayList<>();

    public interface OrderListener {
        void onProcessed(Order order, Status status);
    }

    public enum Status {
        ACCEPTED,
        REJECTED;

        public boolean isFinal() {
            return this == REJECTED;
        }
    }

    public OrderProcessor(int threads) {
        this.executor = Executors.newFixedThreadPool(threads);
        instances++;
    }

    public void addListener(OrderListener listener) {
        listeners.add(requireNonNull(listener));
    }

    public Future<Status> submit(T order)
            throws RejectedExecutionException {
        return executor.submit(() -> process(order));
    }

    private Status process(T order) {
        Status status = order.total() > 0 ? Status.ACCEPTED : Status.REJECTED;
        for (OrderListener l : listeners) {
            l.onProcessed(order, status);
        }
        return status;
    }

    @Override
    public void close() {
        executor.shutdown();
    }

    record Summary(int count, long totalCents) {
        static Summary empty() {
            return new Summary(0, 0L);
        }
    }
}

@interface Audited {
    String value() default "";
}
