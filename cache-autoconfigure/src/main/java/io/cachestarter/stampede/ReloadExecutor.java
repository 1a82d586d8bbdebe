package io.cachestarter.stampede;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;

/**
 * The bounded pool that runs background reloads (refresh-ahead, serve-stale) on named daemon threads
 * ({@code cache-starter-reload-N}). When its queue is full a reload is skipped, never queued without bound; at
 * shutdown it finishes the reloads it has, for a bounded time.
 */
public final class ReloadExecutor implements Executor, DisposableBean {

	private static final AtomicInteger threadNumber = new AtomicInteger();

	private final ThreadPoolExecutor pool;

	/**
	 * Creates the pool.
	 * @param threads how many reloads may run at once
	 * @param queueCapacity how many may wait
	 */
	public ReloadExecutor(int threads, int queueCapacity) {
		this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(queueCapacity), (task) -> {
					Thread thread = new Thread(task, "cache-starter-reload-" + threadNumber.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
		this.pool.allowCoreThreadTimeOut(true);
	}

	@Override
	public void execute(Runnable command) {
		this.pool.execute(command);
	}

	@Override
	public void destroy() throws InterruptedException {
		this.pool.shutdown();
		if (!this.pool.awaitTermination(10, TimeUnit.SECONDS)) {
			this.pool.shutdownNow();
		}
	}

}
