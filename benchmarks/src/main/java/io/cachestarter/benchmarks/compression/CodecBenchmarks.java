package io.cachestarter.benchmarks.compression;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The candidate codecs on a page of catalog products as the starter's codec writes it ({@link CatalogProduct}):
 * µs to compress and to decompress 1 KB, 10 KB and 100 KB of JSON, one thread. Each trial prints the compression
 * ratio of its codec and size; {@link #main} prints them all at once.
 * <p>
 * Run from the repository root: {@code mvn -o -q -B -pl benchmarks -am package -DskipTests} then
 * {@code java -jar benchmarks/target/benchmarks.jar 'compression.CodecBenchmarks'}, and for the ratios alone
 * {@code java -cp benchmarks/target/benchmarks.jar io.cachestarter.benchmarks.compression.CodecBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmarks {

	@Param({ "DEFLATE_1", "DEFLATE_6", "ZSTD_1", "ZSTD_3", "ZSTD_1_REUSED", "LZ4_JAVA", "LZ4_JNI" })
	public Candidate codec;

	@Param({ "1024", "10240", "102400" })
	public int jsonBytes;

	private byte[] json;

	private byte[] compressed;

	@Setup
	public void setUp() {
		this.json = CatalogProduct.json(CatalogProduct.plainCodec(), CatalogProduct.page(this.jsonBytes));
		this.codec.verify(this.json);
		this.compressed = this.codec.compress(this.json);
		System.err.println(ratio(this.codec, this.json));
	}

	@Benchmark
	public byte[] compress() {
		return this.codec.compress(this.json);
	}

	@Benchmark
	public byte[] decompress() {
		return this.codec.decompress(this.compressed, this.json.length);
	}

	private static String ratio(Candidate codec, byte[] json) {
		int compressed = codec.compress(json).length;
		return String.format("| %s | %,d | %,d | %.1f× |", codec, json.length, compressed,
				(double) json.length / compressed);
	}

	/**
	 * Prints the compression ratio of every candidate at every size as a Markdown table.
	 * @param args none
	 */
	public static void main(String[] args) {
		System.out.println("| codec | JSON bytes | compressed bytes | ratio |");
		System.out.println("| --- | ---: | ---: | ---: |");
		for (int size : new int[] { 1024, 4096, 10240, 102400 }) {
			byte[] json = CatalogProduct.json(CatalogProduct.plainCodec(), CatalogProduct.page(size));
			for (Candidate codec : Candidate.values()) {
				codec.verify(json);
				System.out.println(ratio(codec, json));
			}
		}
		byte[] sample = CatalogProduct.json(CatalogProduct.plainCodec(), CatalogProduct.page(300));
		System.out.println("\nsample: " + new String(sample, java.nio.charset.StandardCharsets.UTF_8));
	}

}
