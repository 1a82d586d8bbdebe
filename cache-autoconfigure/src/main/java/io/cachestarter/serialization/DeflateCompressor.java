package io.cachestarter.serialization;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) with the JDK's {@link Deflater} at its fastest level: no
 * dependency, no native library to ship, and on catalog JSON within 11% of zstd's ratio up to 10 KB (the
 * measurements in docs/compression.md).
 * <p>
 * Inflation writes into an array of the declared length and never grows it: a stream that would produce more is
 * stopped there and reported unreadable, so a decompression bomb costs at most the declared length.
 */
final class DeflateCompressor implements Compressor {

	static final String ID = "deflate";

	/** Level 1: at 10 KB of catalog JSON about half the time of the default level 6 for 88% of its ratio. */
	private static final int LEVEL = Deflater.BEST_SPEED;

	@Override
	public String id() {
		return ID;
	}

	@Override
	public byte[] compress(byte[] source, int offset, int length) {
		Deflater deflater = new Deflater(LEVEL, true);
		try {
			deflater.setInput(source, offset, length);
			deflater.finish();
			byte[] out = new byte[Math.max(64, length / 4)];
			int written = 0;
			while (!deflater.finished()) {
				if (written == out.length) {
					out = Arrays.copyOf(out, out.length * 2);
				}
				written += deflater.deflate(out, written, out.length - written);
			}
			return Arrays.copyOf(out, written);
		}
		finally {
			deflater.end();
		}
	}

	@Override
	public byte[] decompress(byte[] source, int offset, int length, int originalLength) {
		Inflater inflater = new Inflater(true);
		try {
			inflater.setInput(source, offset, length);
			byte[] out = new byte[originalLength];
			int written = 0;
			while (written < originalLength && !inflater.finished()) {
				int inflated = inflater.inflate(out, written, originalLength - written);
				if (inflated == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
					throw new UnreadableValueException("Compressed entry ends early");
				}
				written += inflated;
			}
			if (written < originalLength) {
				throw new UnreadableValueException(
						"Compressed entry inflates to " + written + " bytes, not the declared " + originalLength);
			}
			// The array is full: the stream must end here. One byte more means it would go on (a bomb, or a lie).
			if (!inflater.finished() && (inflater.inflate(new byte[1]) > 0 || !inflater.finished())) {
				throw new UnreadableValueException(
						"Compressed entry inflates to more than the declared " + originalLength + " bytes");
			}
			if (inflater.getRemaining() > 0) {
				throw new UnreadableValueException("Compressed entry has bytes after its end");
			}
			return out;
		}
		catch (DataFormatException ex) {
			throw new UnreadableValueException("Compressed entry is corrupt: " + ex.getMessage(), ex);
		}
		finally {
			inflater.end();
		}
	}

}
