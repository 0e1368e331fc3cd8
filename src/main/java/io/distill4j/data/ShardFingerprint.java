package io.distill4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The content fingerprint of shards: what ties a teacher cache, a teacher or a student to the
 * exact images and labels it was computed on (sample ids alone do not: a reshard with new images
 * keeps them).
 *
 * <p>Three levels, all SHA-256: a row digest over the sample id, size, image bytes and labels
 * (computed by the shard task that decodes the row, while its bytes are in memory); a file digest
 * over the row digests in row order; and a split fingerprint over the file digests in file
 * order, combined on the driver. The shards' fingerprint covers every split by name. The source
 * path is left out, so moving the dataset does not change it.
 */
public final class ShardFingerprint {
    private ShardFingerprint() {}

    /** The digest of one shard row. */
    public static byte[] row(ShardRecord r) {
        MessageDigest md = sha256();
        bytes(md, r.sampleId().getBytes(StandardCharsets.UTF_8));
        md.update(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(r.height())
                .putInt(r.width())
                .array());
        bytes(md, r.image());
        // The label columns as the Parquet row has them, so existing shards keep their fingerprint.
        LabelColumns c = LabelColumns.of(r.labels());
        bytes(md, c.segLabel());
        if (c.boxes() == null) bytes(md, null);
        else {
            ByteBuffer b = ByteBuffer.allocate(4 * c.boxes().length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : c.boxes()) b.putFloat(f);
            bytes(md, b.array());
        }
        if (c.categoryIds() == null) bytes(md, null);
        else {
            ByteBuffer b = ByteBuffer.allocate(4 * c.categoryIds().length).order(ByteOrder.LITTLE_ENDIAN);
            for (int i : c.categoryIds()) b.putInt(i);
            bytes(md, b.array());
        }
        if (c.areas() == null) bytes(md, null);
        else {
            ByteBuffer b = ByteBuffer.allocate(4 * c.areas().length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : c.areas()) b.putFloat(f);
            bytes(md, b.array());
        }
        if (c.iscrowd() == null) bytes(md, null);
        else {
            byte[] crowd = new byte[c.iscrowd().length];
            for (int i = 0; i < crowd.length; i++) crowd[i] = (byte) (c.iscrowd()[i] ? 1 : 0);
            bytes(md, crowd);
        }
        return md.digest();
    }

    /** Accumulates the row digests of one shard file, in row order. */
    public static final class FileDigest {
        private final MessageDigest md = sha256();
        private long rows;

        public void add(byte[] rowDigest) {
            md.update(rowDigest);
            rows++;
        }

        public long rows() {
            return rows;
        }

        public byte[] finish() {
            return md.digest();
        }
    }

    /** A split's fingerprint from its files' digests in file order (16 hex digits). */
    public static String split(List<byte[]> fileDigestsInFileOrder) {
        MessageDigest md = sha256();
        for (byte[] d : fileDigestsInFileOrder) md.update(d);
        return hex(md.digest());
    }

    /** The shards' fingerprint from every split's, by split name in the given (manifest) order. */
    public static String shards(Map<String, String> splitFingerprints) {
        MessageDigest md = sha256();
        splitFingerprints.forEach((split, fp) -> md.update((split + "=" + fp + "\n").getBytes(StandardCharsets.UTF_8)));
        return hex(md.digest());
    }

    /** Length-prefixed, so (a, bc) and (ab, c) differ; null is length -1. */
    private static void bytes(MessageDigest md, byte[] b) {
        md.update(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(b == null ? -1 : b.length)
                .array());
        if (b != null) md.update(b);
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest).substring(0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
