package io.cachestarter.redis;

import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.scheduler.Schedulers;

import org.springframework.util.ClassUtils;

/**
 * Tells whether the current thread must never block: a Netty event loop (Lettuce's own, or a web server's) or a
 * Reactor non-blocking scheduler thread. The same threads BlockHound watches.
 */
public final class NonBlockingThreads {

	private static final boolean NETTY_PRESENT = ClassUtils.isPresent("io.netty.util.concurrent.FastThreadLocalThread",
			NonBlockingThreads.class.getClassLoader());

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.scheduler.Schedulers",
			NonBlockingThreads.class.getClassLoader());

	private NonBlockingThreads() {
	}

	/**
	 * Returns whether the current thread must not block.
	 * @return {@code true} on a Netty event loop or a Reactor non-blocking thread
	 */
	public static boolean isCurrent() {
		return (REACTOR_PRESENT && Schedulers.isInNonBlockingThread()) || (NETTY_PRESENT && isNettyEventLoop());
	}

	/**
	 * Returns whether a cached method must not start on the current thread: a thread that must not block, or any
	 * Netty thread, Lettuce's computation threads included (they complete timed-out commands, and permit blocking
	 * calls, but every client of the JVM shares them).
	 * @return {@code true} if the method should move to another thread
	 */
	public static boolean isUnfitForMethods() {
		return isCurrent() || (NETTY_PRESENT && Thread.currentThread() instanceof FastThreadLocalThread);
	}

	private static boolean isNettyEventLoop() {
		return Thread.currentThread() instanceof FastThreadLocalThread thread && !thread.permitBlockingCalls();
	}

}
