package io.cachestarter.redis;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

/**
 * The threads on which the starter completes asynchronous cache calls ({@code cache-starter-async-N}, daemons)
 * that must not complete on Lettuce's event loop: a large value is decoded here, and a miss completes here. A large
 * value decoded on the event loop, or a cached method that Spring invokes on a miss from the completing thread,
 * would stall every Redis call of the JVM. (A small hit completes on the event loop: a hop costs more than its
 * decode.) The pool is fixed and its queue unbounded,
 * because a completion must never be refused; its tasks are short (a decode, a continuation). At shutdown it
 * finishes what it holds, for a bounded time.
 */
public final class AsyncExecutor implements Executor, DisposableBean {

	private static final AtomicInteger threadNumber = new AtomicInteger();

	private final ThreadPoolExecutor pool;

	/**
	 * Creates the pool.
	 * @param threads how many threads complete calls at once
	 */
	public AsyncExecutor(int threads) {
		Assert.isTrue(threads > 0, "'threads' must be positive");
		this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "cache-starter-async-" + threadNumber.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.pool.allowCoreThreadTimeOut(true);
	}

	/**
	 * Creates a pool with one thread per core, and at least two.
	 * @return the pool
	 */
	public static AsyncExecutor withDefaultSize() {
		return new AsyncExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()));
	}

	@Override
	public void execute(Runnable command) {
		try {
			this.pool.execute(command);
		}
		catch (RejectedExecutionException ex) {
			// Only after shutdown: a completion still runs, on the caller's thread.
			command.run();
		}
	}

	/**
	 * Stops accepting work after finishing what is queued, waiting at most the given time.
	 * @param timeout how long to wait
	 * @return {@code true} if everything finished
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean shutdown(Duration timeout) throws InterruptedException {
		this.pool.shutdown();
		return this.pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	@Override
	public void destroy() throws InterruptedException {
		if (!shutdown(Duration.ofSeconds(10))) {
			this.pool.shutdownNow();
		}
	}

}
