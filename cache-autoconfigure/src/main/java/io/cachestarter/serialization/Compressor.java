package io.cachestarter.serialization;

/**
 * Compresses an entry's JSON body and restores it, for {@link CacheEntryCodec}. Its {@link #id()} is written into
 * the header of every entry it compressed, so an implementation's format must never change under the same id.
 * <p>
 * Decompression reads bytes that anyone with access to Redis could have written: it must never produce, nor
 * allocate room for, more than the length it is given, and must report anything else as unreadable.
 */
interface Compressor {

	/**
	 * Returns the name of this compression in entry headers.
	 * @return a short ASCII name without {@code |}
	 */
	String id();

	/**
	 * Compresses part of an array.
	 * @param source the array
	 * @param offset where the JSON starts
	 * @param length how long it is
	 * @return the compressed bytes
	 */
	byte[] compress(byte[] source, int offset, int length);

	/**
	 * Restores what {@link #compress} produced.
	 * @param source the array
	 * @param offset where the compressed bytes start
	 * @param length how many compressed bytes there are
	 * @param originalLength the length of the JSON, as the header declares it; at most this much is produced
	 * @return exactly {@code originalLength} bytes
	 * @throws UnreadableValueException if the bytes are corrupt, end early, or would restore to more than
	 * {@code originalLength} bytes
	 */
	byte[] decompress(byte[] source, int offset, int length, int originalLength);

}
