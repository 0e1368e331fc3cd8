package io.distill4j.cache;

/** A teacher cache (or shard) file is unreadable, truncated or of an unexpected layout. */
public final class CacheFormatException extends RuntimeException {
    public CacheFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public CacheFormatException(String message) {
        super(message);
    }
}
