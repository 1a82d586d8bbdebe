package io.cachestarter.testapp;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Decompression bombs for tests: a raw DEFLATE stream of many zero bytes that is a thousand times smaller.
 */
public final class DeflateBomb {

	private DeflateBomb() {
	}

	/**
	 * Returns a raw DEFLATE stream (no zlib wrapper) of {@code count} zero bytes, built a megabyte at a time.
	 * @param count how many bytes it inflates to
	 * @return the stream
	 */
	public static byte[] zeros(long count) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		try {
			byte[] zeros = new byte[1 << 20];
			byte[] buffer = new byte[64 * 1024];
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (long left = count; left > 0; left -= zeros.length) {
				deflater.setInput(zeros, 0, (int) Math.min(left, zeros.length));
				while (!deflater.needsInput()) {
					out.write(buffer, 0, deflater.deflate(buffer));
				}
			}
			deflater.finish();
			while (!deflater.finished()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

}
