package io.cachestarter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.util.Assert;

/**
 * A Redis Lua script, loaded once from a resource next to the class that runs it, and run by its SHA1 (sent in
 * full only when the server does not know it yet, for example after a restart).
 * <p>
 * Scripts given to this class must only touch keys passed in {@code KEYS} that hash to one slot, so they run on
 * Redis Cluster.
 */
public final class LuaScript {

	private final String name;

	private final byte[] body;

	private final String sha1;

	private LuaScript(String name, String body) {
		this.name = name;
		this.body = body.getBytes(StandardCharsets.UTF_8);
		this.sha1 = sha1Hex(body);
	}

	/**
	 * Loads a script from a class path resource beside its owner class.
	 * @param owner the class that runs the script
	 * @param resource the file name, for example {@code "set-if-newer.lua"}
	 * @return the script
	 */
	public static LuaScript load(Class<?> owner, String resource) {
		try (InputStream in = owner.getResourceAsStream(resource)) {
			Assert.state(in != null, () -> "Missing script " + resource + " beside " + owner.getName());
			return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Runs the script.
	 * @param <T> the result type
	 * @param connection the connection to run it on
	 * @param returnType how to read the result
	 * @param keys the keys (all of one hash slot)
	 * @param args the arguments
	 * @return the script's result
	 */
	public <T> T run(RedisConnection connection, ReturnType returnType, byte[][] keys, byte[]... args) {
		byte[][] keysAndArgs = new byte[keys.length + args.length][];
		System.arraycopy(keys, 0, keysAndArgs, 0, keys.length);
		System.arraycopy(args, 0, keysAndArgs, keys.length, args.length);
		try {
			return connection.scriptingCommands().evalSha(this.sha1, returnType, keys.length, keysAndArgs);
		}
		catch (DataAccessException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			return connection.scriptingCommands().eval(this.body, returnType, keys.length, keysAndArgs);
		}
	}

	/**
	 * Runs the script on Lettuce's non-blocking API.
	 * @param <T> the result type
	 * @param commands the commands to run it with
	 * @param outputType how to read the result
	 * @param keys the keys (all of one hash slot)
	 * @param args the arguments
	 * @return the script's result
	 */
	<T> CompletableFuture<T> runAsync(RedisClusterAsyncCommands<byte[], byte[]> commands, ScriptOutputType outputType,
			byte[][] keys, byte[]... args) {
		CompletableFuture<T> bySha = commands.<T>evalsha(this.sha1, outputType, keys, args).toCompletableFuture();
		return bySha.exceptionallyCompose((ex) -> isNoScript(ex)
				? commands.<T>eval(this.body, outputType, keys, args).toCompletableFuture()
				: CompletableFuture.failedFuture(ex));
	}

	private static boolean isNoScript(Throwable failure) {
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			String message = t.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	private static String sha1Hex(String body) {
		try {
			java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-1");
			StringBuilder hex = new StringBuilder(40);
			for (byte b : digest.digest(body.getBytes(StandardCharsets.UTF_8))) {
				hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
			}
			return hex.toString();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "LuaScript[" + this.name + "]";
	}

}
