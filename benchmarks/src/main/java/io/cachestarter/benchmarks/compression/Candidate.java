package io.cachestarter.benchmarks.compression;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import net.jpountz.lz4.LZ4Factory;

/**
 * The codecs compared, each at the level named, used the way a straightforward implementation would use it: a new
 * compressor per call (no pooled contexts), and decompression into a buffer of the known original length.
 */
public enum Candidate {

	/** The JDK's raw DEFLATE at its fastest level. */
	DEFLATE_1 {
		@Override
		byte[] compress(byte[] json) {
			return deflate(json, Deflater.BEST_SPEED);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			return inflate(compressed, length);
		}
	},

	/** The JDK's raw DEFLATE at zlib's default level. */
	DEFLATE_6 {
		@Override
		byte[] compress(byte[] json) {
			return deflate(json, Deflater.DEFAULT_COMPRESSION);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			return inflate(compressed, length);
		}
	},

	/** zstd-jni (native) at level 1. */
	ZSTD_1 {
		@Override
		byte[] compress(byte[] json) {
			return Zstd.compress(json, 1);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			return Zstd.decompress(compressed, length);
		}
	},

	/** zstd-jni (native) at level 3, zstd's default. */
	ZSTD_3 {
		@Override
		byte[] compress(byte[] json) {
			return Zstd.compress(json, 3);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			return Zstd.decompress(compressed, length);
		}
	},

	/**
	 * zstd-jni at level 1 with a compression and a decompression context kept per thread: zstd's best case, without
	 * the per-call context set-up of {@link #ZSTD_1}.
	 */
	ZSTD_1_REUSED {
		private final ThreadLocal<ZstdCompressCtx> compressor = ThreadLocal
			.withInitial(() -> new ZstdCompressCtx().setLevel(1));

		private final ThreadLocal<ZstdDecompressCtx> decompressor = ThreadLocal.withInitial(ZstdDecompressCtx::new);

		@Override
		byte[] compress(byte[] json) {
			return this.compressor.get().compress(json);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			return this.decompressor.get().decompress(compressed, length);
		}
	},

	/** lz4-java (the maintained fork), its pure-Java safe block codec: no native code, no Unsafe. */
	LZ4_JAVA {
		@Override
		byte[] compress(byte[] json) {
			return LZ4Factory.safeInstance().fastCompressor().compress(json);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			byte[] out = new byte[length];
			LZ4Factory.safeInstance().safeDecompressor().decompress(compressed, 0, compressed.length, out, 0, length);
			return out;
		}
	},

	/** lz4-java's JNI block codec, for reference: native code, like zstd-jni. */
	LZ4_JNI {
		@Override
		byte[] compress(byte[] json) {
			return LZ4Factory.nativeInstance().fastCompressor().compress(json);
		}

		@Override
		byte[] decompress(byte[] compressed, int length) {
			byte[] out = new byte[length];
			LZ4Factory.nativeInstance().safeDecompressor().decompress(compressed, 0, compressed.length, out, 0, length);
			return out;
		}
	};

	abstract byte[] compress(byte[] json);

	abstract byte[] decompress(byte[] compressed, int length);

	private static byte[] deflate(byte[] json, int level) {
		Deflater deflater = new Deflater(level, true);
		try {
			deflater.setInput(json);
			deflater.finish();
			ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
			byte[] buffer = new byte[8192];
			while (!deflater.finished()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

	private static byte[] inflate(byte[] compressed, int length) {
		Inflater inflater = new Inflater(true);
		try {
			inflater.setInput(compressed);
			byte[] out = new byte[length];
			int n = inflater.inflate(out);
			if (n != length || !inflater.finished()) {
				throw new IllegalStateException("inflated " + n + " of " + length + " bytes");
			}
			return out;
		}
		catch (DataFormatException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			inflater.end();
		}
	}

	/** Checks that the codec gives back what it was given. */
	void verify(byte[] json) {
		if (!Arrays.equals(json, decompress(compress(json), json.length))) {
			throw new IllegalStateException(name() + " does not round-trip");
		}
	}

}
